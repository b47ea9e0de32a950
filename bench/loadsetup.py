"""The databases the load section drives, and what its users need in them.

The generated pool is loaded into PostgreSQL once, by the same generator as the SQLite pool (same seed, same
experts), into a template database; every run works on a fresh copy (CREATE DATABASE ... TEMPLATE), so the writes
of one run never reach the next. On SQLite the run works on a copy of the file. The copies get the benchmark CfC,
the signed-in users (HR officers of the four services, coordinators, viewers, an admin) and nominations to submit
and endorse, once, in the template.
"""
import hashlib
import json
import os
import random
import shutil
import sqlite3
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select, text, true
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench.generate import ensure_pool
from bench.matching import BENCH_CFC, ensure_cfc
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.matches.results import rank_position
from seconding.missions.queries import cfc_by_reference, positions_of
from seconding.models import Expert, Institution, Role, User
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination
from seconding.nominations.services import Decision, act, create_nomination

PASSWORD = "bench load password 123"
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERVICES = ("POLICE", "BORDER_GUARD", "NRA", "PRISON")
# Who signs in on the morning of a national deadline: per 20 users, 11 HR officers of the four services,
# 6 coordinators, 2 viewers and an admin (the mix repeats for more users).
MIX = ([(Role.HR_OFFICER, code) for code in ("POLICE", "POLICE", "POLICE", "BORDER_GUARD", "BORDER_GUARD",
                                             "BORDER_GUARD", "NRA", "NRA", "PRISON", "PRISON", "POLICE")]
       + [(Role.COORDINATOR, "MFA")] * 6 + [(Role.VIEWER, "MFA")] * 2 + [(Role.ADMIN, "MFA")])
NOMINATIONS_PER_SERVICE = 60  # half left as drafts (HR officers submit them), half submitted (coordinators endorse)


def _app(url: str):
    from seconding import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False,
                       "SCHEDULER_ENABLED": False, "MFA_REQUIRED_ROLES": ()})


def _users(count: int) -> list[dict]:
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    users = []
    for n in range(count):
        role, code = MIX[n % len(MIX)]
        email = f"bench.load.{n}@example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=f"Load User {n}", role=role, institution=institutions[code], active=True,
                        locale="en", digest_opt_in=False, failed_logins=0)
            user.set_password(PASSWORD)
            db.session.add(user)
        users.append({"email": email, "role": role.value, "institution": code})
    db.session.commit()
    return users


def _nominations(today: date) -> None:
    """Drafts and submitted nominations of eligible experts of each service, over the benchmark CfC's positions."""
    if db.session.scalar(select(func.count(Nomination.id))) >= NOMINATIONS_PER_SERVICE * len(SERVICES):
        return
    coordinator = db.session.scalar(select(User).where(User.role == Role.ADMIN, User.email.like("bench.load.%")))
    wanted = dict.fromkeys(SERVICES, NOMINATIONS_PER_SERVICE)
    used: set[int] = set()
    for position in positions_of([cfc_by_reference(BENCH_CFC).id]):
        if not any(wanted.values()):
            break
        for row in rank_position(position, scope=true(), as_of=today, limit=40).rows:
            code = row.expert.institution
            if wanted.get(code, 0) == 0 or row.expert.id in used or row.evaluation.blockers:
                continue
            expert = db.session.get(Expert, row.expert.id)
            try:
                nomination = create_nomination(position, expert, coordinator, consent_on=today)
                if wanted[code] % 2:  # every other one goes to the coordinators
                    act(nomination, "submit", coordinator, Decision(), version=None)
            except Refusal:
                db.session.rollback()
                continue
            used.add(expert.id)
            wanted[code] -= 1
    db.session.commit()


def prepare(url: str, users: int, n: int) -> dict:
    """Fill the database at url (pool, CfC, users, nominations) unless done; the plan the load users follow."""
    app = _app(url)
    today = today_in_warsaw()
    with app.app_context():
        ensure_pool(app, n)
        ensure_cfc(today)
        plan_users = _users(users)
        _nominations(today)
        rng = random.Random(5)
        experts: dict[str, list[int]] = {}
        for code in (*SERVICES, "INDEPENDENT"):
            ids = list(db.session.scalars(select(Expert.id).join(Institution).where(Institution.code == code)))
            experts[code] = rng.sample(ids, min(300, len(ids)))
        by_status: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for nid, status, code in db.session.execute(
                select(Nomination.id, Nomination.status, Institution.code).join(Expert, Nomination.expert)
                .join(Institution, Expert.institution).order_by(Nomination.id)):
            by_status[status.value][code].append(nid)
        positions = [p.id for p in positions_of([cfc_by_reference(BENCH_CFC).id])][:40]
        db.session.remove()
        db.engine.dispose()
    return {"users": plan_users, "password": PASSWORD, "experts": experts, "positions": positions,
            "drafts": by_status[NominationStatus.DRAFT.value],
            "submitted": [i for ids in by_status[NominationStatus.SUBMITTED.value].values() for i in ids]}


def _admin_engine():
    return create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")


def postgres_reachable() -> bool:
    """The PostgreSQL server of SERVER_URL answers."""
    engine = _admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def schema_key() -> str:
    """A short fingerprint of the tables, columns and indexes the models declare: a template made for another
    schema (the models changed since) is not reused but made again."""
    import seconding.models  # noqa: F401  (every table)

    tables = db.metadata.sorted_tables
    parts = sorted([f"{t.name}.{c.name}:{type(c.type).__name__}" for t in tables for c in t.c]
                   + [f"{t.name}:{i.name}({','.join(c.name for c in i.columns)})" for t in tables for i in t.indexes])
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:8]


def postgres_copy(users: int, n: int) -> tuple[str, dict, callable]:
    """A fresh PostgreSQL database copied from the template (made once per schema); its URL, the plan, and a drop
    function."""
    prefix = f"seconding_bench_pool_{n}_"
    template, work = prefix + schema_key(), "seconding_bench_load"
    base = make_url(SERVER_URL)
    engine = _admin_engine()
    with engine.connect() as conn:
        for (old,) in conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p AND datname <> :t"),
                                   {"p": prefix + "%", "t": template}):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))  # made for an older schema
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": template})
    if not exists:  # made under another name and renamed when whole: a run stopped half-way leaves no template
        part = template + "_part"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{part}"'))
        part_url = base.set(database=part).render_as_string(hide_password=False)
        prepare(part_url, users, n)
        analyse = create_engine(part_url, isolation_level="AUTOCOMMIT")
        with analyse.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))  # as autovacuum leaves a database in use: statistics, visibility
        analyse.dispose()
        with engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{part}" RENAME TO "{template}"'))
    template_url = base.set(database=template).render_as_string(hide_password=False)
    plan = prepare(template_url, users, n)  # no-op once made, except the plan
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{work}" TEMPLATE "{template}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)'))
        engine.dispose()

    return base.set(database=work).render_as_string(hide_password=False), plan, drop


def sqlite_copy(folder: Path, work: Path, users: int, n: int) -> tuple[str, dict, callable]:
    """A copy of the SQLite template: the same generated pool with the load fixtures (made once per schema in
    folder), copied again for the run."""
    template = folder / f"load-pool-{n}-{schema_key()}.db"
    for old in folder.glob(f"load-pool-{n}-*.db"):
        if old != template:
            old.unlink()  # made for an older schema
    plan = prepare(f"sqlite:///{template}", users, n)
    _checkpoint(template)
    copy = work / "load.db"
    shutil.copyfile(template, copy)
    return f"sqlite:///{copy}", plan, lambda: copy.unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    """Move what the write-ahead log holds into the file itself, so a copy of the file has everything."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def write_plan(plan: dict, path: Path) -> Path:
    path.write_text(json.dumps(plan))
    return path
