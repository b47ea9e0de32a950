"""What the cluster's database holds for the check: reference data, a pool of fictional experts (bench's generator),
the load's users (HR officers of the Police, each with a personal API token), the digest's recipients (opted in by
fault 1 only), and the register file fault 2 imports (20,000 new experts, made by the same generator)."""
import random
from pathlib import Path

from sqlalchemy import select

POOL = 3000
LOAD_USERS = 6
RECIPIENTS = 300
IMPORT_ROWS = 20_000
IMPORT_FROM = 500_001  # the import's experts are numbered from here (the pool's from 1): no key is shared
WEB_IMPORT_FROM = 700_001  # and the web import's (fault 6), all of the Police: its HR officer uploads them
PASSWORD = "cluster check password 123"
LOAD_EMAIL = "cluster.load.{}@example.org"
RECIPIENT_EMAIL = "cluster.recipient.{}@example.org"


def _app(url: str):
    from seconding import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "cluster", "TESTING": False,
                       "SCHEDULER_ENABLED": False})


def seed(url: str) -> dict:
    """Fill the database (its schema made by `flask db upgrade`); the load's users with their tokens, and a few
    experts of their service they may edit."""
    from seconding.api.tokens import create_token
    from seconding.dates import today_in_warsaw
    from seconding.demo.experts import fictional_expert
    from seconding.experts.bulk import insert_experts
    from seconding.extensions import db
    from seconding.models import Expert, Institution, Role, User
    from seconding.reference import seed_reference

    app = _app(url)
    with app.app_context():
        seed_reference()
        db.session.commit()
        rng = random.Random(13)
        today = today_in_warsaw()
        insert_experts(fictional_expert(rng, i, today) for i in range(1, POOL + 1))
        db.session.commit()
        institutions = {i.code: i for i in db.session.scalars(select(Institution))}
        model = User(email="model@example.org", name="model", role=Role.VIEWER, institution=institutions["MFA"])
        model.set_password(PASSWORD)
        users = []
        for n in range(LOAD_USERS):
            user = User(email=LOAD_EMAIL.format(n), name=f"Load User {n}", role=Role.HR_OFFICER, active=True,
                        institution=institutions["POLICE"], locale="en", digest_opt_in=False, failed_logins=0,
                        password_hash=model.password_hash)
            db.session.add(user)
            db.session.flush()
            _token, secret = create_token(user, "cluster check", None)
            users.append({"email": user.email, "token": secret})
        for n in range(RECIPIENTS):  # they never sign in: one password hash for all
            db.session.add(User(email=RECIPIENT_EMAIL.format(n), name=f"Recipient {n}", role=Role.VIEWER,
                                institution=institutions["MFA"], active=True, locale="en", digest_opt_in=False,
                                failed_logins=0, password_hash=model.password_hash))
        police = list(db.session.scalars(select(Expert.id).where(Expert.institution_id == institutions["POLICE"].id)
                                         .order_by(Expert.id).limit(50)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"users": users, "password": PASSWORD, "police_experts": police}


def import_file(folder: Path, first: int = IMPORT_FROM, police_only: bool = False) -> Path:
    """A register CSV of IMPORT_ROWS new experts numbered from `first` (with their languages, expertise, CV and
    training records), exported from a scratch SQLite database filled by the generator; with `police_only`, all of
    them the Police's."""
    from seconding.dates import today_in_warsaw
    from seconding.demo.experts import fictional_expert
    from seconding.experts.bulk import insert_experts
    from seconding.extensions import db
    from seconding.models import Expert, Institution
    from seconding.reference import seed_reference
    from seconding.register.export import export_register, filters_from_args

    path = folder / f"register-{first}.csv"
    app = _app(f"sqlite:///{folder / f'scratch-{first}.db'}")
    with app.app_context():
        db.create_all()
        seed_reference()
        db.session.commit()
        rng = random.Random(29)
        today = today_in_warsaw()
        insert_experts(fictional_expert(rng, i, today) for i in range(first, first + IMPORT_ROWS))
        if police_only:
            police = db.session.scalar(select(Institution.id).where(Institution.code == "POLICE"))
            db.session.execute(Expert.__table__.update().values(institution_id=police))
        db.session.commit()
        content, count = export_register(None, filters_from_args({}), "csv", today=today,
                                         horizon_days=app.config["TRAINING_EXPIRING_DAYS"])
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    assert count == IMPORT_ROWS, count
    path.write_bytes(content)
    return path
