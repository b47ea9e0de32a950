"""The Goalkeeper package of a 30-nomination batch (issue 14: under 20 s), through the real download request."""
import io
import time
import zipfile
from datetime import timedelta

from sqlalchemy import select

from bench.common import Figure
from bench.pool import signed_in_client
from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.extensions import db
from seconding.missions import services
from seconding.models import Cfc, CfcKind, Expert, Mission, PoolStatus, Position, Regime, Role
from seconding.models.enums import NominationStatus
from seconding.models.nominations import Nomination

BENCH_CFC = "EUMM Georgia PKG-BENCH"
BATCH = 30


def ensure_batch() -> list[int]:
    """A call with 30 positions, each with a forwarded nomination of a different active expert (made once)."""
    cfc = next(iter(db.session.scalars(select(Cfc).where(Cfc.reference == BENCH_CFC))), None)
    if cfc is None:
        mission = db.session.scalar(select(Mission).where(Mission.acronym == "EUMM Georgia"))
        cfc = services.create_cfc(services.CfcData(
            mission_id=mission.id, reference=BENCH_CFC, kind=CfcKind.REGULAR,
            eeas_deadline=utcnow() + timedelta(days=20), national_deadline=utcnow() + timedelta(days=14)))
        experts = db.session.scalars(select(Expert).where(Expert.pool_status == PoolStatus.ACTIVE)
                                     .order_by(Expert.id).limit(BATCH)).all()
        for i, expert in enumerate(experts):
            position = services.create_position(cfc, services.PositionData(
                reference=f"GEO PK {i + 1:03d}", title=f"Monitor {i + 1}", regime=Regime.SECONDED, posts=1,
                available_on=today_in_warsaw() + timedelta(days=120)), audit=False)
            db.session.add(Nomination(position=position, expert=expert, status=NominationStatus.FORWARDED,
                                      goalkeeper_ref=f"GK-BENCH-{i + 1:03d}", forwarded_on=today_in_warsaw(),
                                      consent_on=today_in_warsaw()))
        db.session.commit()
    return list(db.session.scalars(select(Nomination.id).join(Nomination.position)
                                   .where(Position.cfc_id == cfc.id).order_by(Nomination.id)))


def run(app, n: int) -> list[Figure]:
    with app.app_context():
        ids = ensure_batch()
    client = signed_in_client(app, Role.COORDINATOR, "MFA")
    query = "&".join(f"ids={i}" for i in ids)
    started = time.perf_counter()
    response = client.get(f"/packages/batch.zip?{query}")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    files = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(files) == 2 * len(ids), len(files)
    page = time.perf_counter()
    assert client.get(f"/packages/batch?{query}").status_code == 200
    page_seconds = time.perf_counter() - page
    return [
        Figure(f"package ZIP: {len(ids)} nominations ({len(response.data) // 1024} KB)", seconds, None, 20.0),
        Figure(f"package page: missing data of {len(ids)} nominations", page_seconds),
    ]
