"""Commands: seed-demo and users create."""
from sqlalchemy import func, select

from seconding.models import Institution, Role, User


def test_seed_demo_creates_one_user_per_role_and_prints_passwords(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    for user in users:
        line = next(line for line in result.output.splitlines() if user.email in line)
        assert user.check_password(line.rsplit("password: ", 1)[1].strip())
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == len(users)
    assert db.session.scalar(select(func.count(Institution.id))) == 11


def test_users_create(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "Hr@Police.example", "--name", "HR",
                                 "--role", "hr_officer", "--institution", "police"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.role, user.institution.code) == ("hr@police.example", Role.HR_OFFICER, "POLICE")
    password = result.output.split("Password: ")[1].strip()
    assert user.check_password(password)


def test_users_create_refuses_bad_input(runner, db):
    base = ["users", "create", "--name", "X", "--role", "viewer"]
    cases = [
        (["--email", "a@b.example", "--institution", "NOPE"], "Unknown institution 'NOPE'"),
        (["--email", "not an email", "--institution", "MFA"], "e-mail address is not valid"),
        (["--email", "a@b.example", "--institution", "MFA", "--password", "short"], "at least 12"),
    ]
    for extra, message in cases:
        result = runner.invoke(args=base + extra)
        assert result.exit_code != 0 and message in result.output, result.output
    bad_role = runner.invoke(args=["users", "create", "--email", "a@b.example", "--name", "X", "--role", "king",
                                   "--institution", "MFA"])
    assert bad_role.exit_code != 0
    runner.invoke(args=base + ["--email", "dup@b.example", "--institution", "MFA"])
    dup = runner.invoke(args=base + ["--email", "DUP@b.example", "--institution", "MFA"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    assert db.session.scalar(select(func.count(User.id))) == 1
