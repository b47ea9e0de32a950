"""Background jobs: long work (imports, exports, packages) run by a job worker, not by the request that asked.

A job row is the durable record: who asked, for what, its input file, its state and, once finished, its result
(and output file). The live progress of a running job (its step and rows done of total) is kept in the job queue's
own store (seconding/jobs/queue.py), so that it can be written while the job's own database transaction is open.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from seconding.db import UTCDateTime, enum_type, utcnow
from seconding.extensions import db
from seconding.models.enums import StrEnum
from seconding.models.users import User


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for a worker
    RUNNING = "running"  # a worker took it (claimed by a conditional UPDATE)
    DONE = "done"
    FAILED = "failed"  # an error, or the worker stopped before the end (nothing of it was applied)
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # random: names the job in the queue
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[JobState] = mapped_column(enum_type(JobState), default=JobState.QUEUED)
    filename: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    input: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    result: Mapped[str] = mapped_column(Text, default="{}")  # JSON, written when the job finishes
    output: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    output_name: Mapped[str] = mapped_column(String(200), default="")
    output_type: Mapped[str] = mapped_column(String(100), default="")
    # The network address of the request that started it: the audit events the job writes carry it.
    address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
