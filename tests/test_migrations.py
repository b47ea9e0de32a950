"""The schema comes only from migrations: `flask db upgrade` on an empty database gives exactly the models."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from seconding import create_app
from seconding.db import kept_on
from seconding.extensions import db

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def _check(url: str, engine_options: dict | None = None) -> None:
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "MIGRATIONS_DIR": MIGRATIONS}
    if engine_options:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app = create_app(config)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": kept_on(conn.dialect.name)})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        # Autogenerate does not compare check constraints: every one of the models must exist after migrating.
        from sqlalchemy import CheckConstraint

        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            wanted = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert wanted <= found, f"{table.name}: checks missing after migration: {wanted - found}"
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_upgrade_on_empty_sqlite_matches_models(tmp_path):
    _check(f"sqlite:///{tmp_path / 'empty.db'}")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set")
def test_upgrade_on_empty_postgresql_matches_models():
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"m_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        _check(url, {"connect_args": {"options": f"-csearch_path={schema}"}})
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
