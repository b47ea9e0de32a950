"""Users (admin): validation and changes."""
from sqlalchemy import func, select

from seconding.models import Role, User


def _form(institutions, **overrides):
    data = {"email": "someone@example.org", "name": "Someone", "role": "coordinator",
            "institution_id": institutions["MIA"].id, "active": "y", "password": "a long password 1"}
    data.update(overrides)
    return data


def test_invalid_user_forms_change_nothing(client, make_user, login, db, institutions):
    admin = login(make_user(Role.ADMIN))
    before = db.session.scalar(select(func.count(User.id)))
    cases = {
        "Invalid email address.": _form(institutions, email="not-an-email"),
        "The password must have at least 12 characters.": _form(institutions, password="short"),
        "Not a valid choice": _form(institutions, role="emperor"),
        "already exists": _form(institutions, email=admin.email.upper()),
    }
    for message, data in cases.items():
        response = client.post_form("/admin/users/new", data)
        assert response.status_code == 200, (message, response.get_data(as_text=True)[-3000:])
        assert message in response.get_data(as_text=True), message
    data = _form(institutions, institution_id="abc")
    assert client.post_form("/admin/users/new", data).status_code == 200
    assert db.session.scalar(select(func.count(User.id))) == before


def test_edit_user_keeps_password_when_left_empty(client, make_user, login, db, institutions):
    login(make_user(Role.ADMIN))
    target = make_user(Role.HR_OFFICER, "POLICE")
    old_hash = target.password_hash
    response = client.post_form(f"/admin/users/{target.id}", _form(
        institutions, email=target.email, name="Renamed", role="hr_officer",
        institution_id=institutions["BORDER_GUARD"].id, password=""))
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, target.id)
    assert (changed.name, changed.institution.code, changed.password_hash) == ("Renamed", "BORDER_GUARD", old_hash)


def test_unknown_user_is_404(client, make_user, login):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/users/99999").status_code == 404
