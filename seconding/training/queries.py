"""Read queries of training status: the mandatory courses, each expert's overall status as SQL (from the
training summary kept on the expert), and the training matrix's cells. The expert list, the profiles, the
dashboard, the digest and the reports read training status through these."""
from datetime import date, timedelta

from sqlalchemy import and_, case, false, literal, or_, select, true

from seconding.extensions import db
from seconding.models import Course, Expert, TrainingRecord, TrainingStatus

NEVER = date(9999, 12, 31)  # stands for "does not expire" when comparing expiry dates
CHUNK = 2000  # ids per IN (...) list, well under the database's bound-parameter limits


def mandatory_course_ids() -> list[int]:
    """The ids of the mandatory courses (SPEC §4), in code order."""
    return list(db.session.scalars(select(Course.id).where(Course.mandatory).order_by(Course.code)))


def training_status_expression(course_count: int, today: date, horizon_days: int):
    """SQL expression giving the overall training status of the (outer) expert, as its enum value: expired (or
    missing) when some mandatory course is not held today, expiring when one lapses within the horizon."""
    if not course_count:
        return literal(TrainingStatus.VALID.value)
    until = Expert.training_valid_until  # kept by seconding/training/summary.py
    return case(
        (or_(until.is_(None), until < today), literal(TrainingStatus.EXPIRED.value)),
        (until <= today + timedelta(days=horizon_days), literal(TrainingStatus.EXPIRING.value)),
        else_=literal(TrainingStatus.VALID.value),
    )


def training_condition(wanted: str, course_ids: list[int], today: date, horizon_days: int):
    """WHERE condition for the overall status of the mandatory courses (valid / expiring / expired or missing)."""
    if not course_ids:
        return true() if wanted == TrainingStatus.VALID.value else false()
    until = Expert.training_valid_until
    horizon = today + timedelta(days=horizon_days)
    if wanted == TrainingStatus.VALID.value:
        return until > horizon
    if wanted == TrainingStatus.EXPIRING.value:
        return and_(until >= today, until <= horizon)
    return or_(until.is_(None), until < today)


def training_matrix_cells(expert_ids: list[int], course_ids: list[int]) -> dict[tuple[int, int], list]:
    """(expert id, course id) -> expiry dates of the records (None = never expires), in one query."""
    cells: dict[tuple[int, int], list] = {}
    if not course_ids:
        return cells
    for start in range(0, len(expert_ids), CHUNK):
        query = select(TrainingRecord.expert_id, TrainingRecord.course_id, TrainingRecord.expires_on).where(
            TrainingRecord.expert_id.in_(expert_ids[start:start + CHUNK]), TrainingRecord.course_id.in_(course_ids))
        for expert_id, course_id, expires_on in db.session.execute(query):
            cells.setdefault((expert_id, course_id), []).append(expires_on)
    return cells
