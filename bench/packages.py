"""The Goalkeeper package of a 30-nomination batch (issue 14: under 20 s), through the batch page's button and the
job it starts (issue 25)."""
import io
import re
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
    """The batch page, the button's answer (the job's page), and the job that builds the ZIP, run here as a worker
    would run it."""
    from seconding.jobs.queue import queue

    with app.app_context():
        ids = ensure_batch()
    client = signed_in_client(app, Role.COORDINATOR, "MFA")
    query = "&".join(f"ids={i}" for i in ids)
    page = time.perf_counter()
    assert client.get(f"/packages/batch?{query}").status_code == 200
    page_seconds = time.perf_counter() - page
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        started = time.perf_counter()
        answer = client.post("/packages/batch", data={"ids": [str(i) for i in ids]})
        assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"], answer.status_code
        assert client.get(answer.headers["Location"]).status_code == 200  # the job's page, still waiting
        to_page = time.perf_counter() - started
        with app.app_context():
            queue().run_pending()
        done = client.get(answer.headers["Location"]).get_data(as_text=True)
        seconds = time.perf_counter() - started
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    link = re.search(r'href="(/jobs/\d+/download)"', done)
    assert link, "the package job did not end with its file"
    response = client.get(link.group(1))
    assert response.status_code == 200, response.status_code
    files = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(files) == 2 * len(ids), len(files)
    return [
        Figure(f"package ZIP: {len(ids)} nominations ({len(response.data) // 1024} KB), as a job", seconds, None,
               20.0),
        Figure("  the button's answer (the job's page)", to_page, None, 1.0),
        Figure(f"package page: missing data of {len(ids)} nominations", page_seconds),
    ]
