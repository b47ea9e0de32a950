"""Declarative base with a constraint naming convention and shared column types."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase

MAX_ID = 2**31 - 1  # PostgreSQL's integer: ids beyond it cannot exist (routes, forms and the API refuse them)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current moment, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment stored as UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given where a UTC moment is expected")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_type(enum_cls, length: int = 20):
    """A portable enum column storing the member's value as text."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def only_on(dialect: str, index):
    """An index made on one database only (`ddl_if`), marked so the schema comparison of migrations skips it
    elsewhere (`kept_on`)."""
    index.info["dialect"] = dialect
    return index.ddl_if(dialect=dialect)


QUEUE_TABLE_PREFIX = "job_queue"


def kept_on(dialect: str):
    """Alembic's include_object: leave out of the comparison what `only_on` made for another database, and the
    job queue's own tables (Huey creates them in the app's PostgreSQL database: seconding/jobs/queue.py)."""
    def include(obj, name, type_, reflected, _compare_to) -> bool:
        if type_ == "table" and reflected and (name or "").startswith(QUEUE_TABLE_PREFIX):
            return False
        wanted = getattr(obj, "info", {}).get("dialect")
        return wanted is None or wanted == dialect

    return include


def stored_text(column):
    """The column's value as the database stores it (an enum's text, SQLite's ISO date text), with no Python
    object made per value: for reads of many rows that only pass the values on."""
    from sqlalchemy import String, type_coerce

    return type_coerce(column, String)


from sqlalchemy.ext.compiler import compiles  # noqa: E402
from sqlalchemy.sql.functions import GenericFunction  # noqa: E402


class string_agg(GenericFunction):
    """Concatenate values with a separator: group_concat on SQLite, string_agg on PostgreSQL."""

    inherit_cache = True
    type = None

    def __init__(self, value, separator, **kw):
        from sqlalchemy import String, literal

        super().__init__(value, literal(separator, String), **kw)
        self.type = String()


@compiles(string_agg, "sqlite")
def _string_agg_sqlite(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(string_agg, "postgresql")
def _string_agg_postgresql(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)})"


def count_if(condition):
    """SQL: how many rows of the group meet the condition (0 for an empty group)."""
    from sqlalchemy import case, func

    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def insert_ignoring_duplicates(session, model, rows: list[dict]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL), in the session's transaction: a row another worker
    inserted first is kept (the digest's deliveries, notifications)."""
    if not rows:
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)
