"""All monthly digests for 1,000 recipients over the pool (SPEC §13: under 30 s), written to the outbox."""
import shutil
import time
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import delete, select

from bench.common import Figure
from seconding.digest.sending import current_period, send_digests
from seconding.extensions import db
from seconding.mail import OutboxTransport
from seconding.models import DigestDelivery, DigestRun, Institution, Role, User

RECIPIENTS = 1000
# Who reads the digest: HR officers of the services, coordinators of the ministries, viewers, a few admins.
MIX = ((Role.HR_OFFICER, ("POLICE", "BORDER_GUARD", "NRA", "PRISON")), (Role.COORDINATOR, ("MFA", "MIA", "MF", "MJ")),
       (Role.VIEWER, ("MFA", "MIA")), (Role.ADMIN, ("MFA",)))
WEIGHTS = (5, 3, 15, 1)  # of every 24 recipients (rounded over 1,000)


def _recipients() -> None:
    """1,000 digest recipients (created once; other bench users have the digest off)."""
    have = db.session.scalar(select(db.func.count(User.id)).where(User.email.like("bench.digest.%")))
    if have >= RECIPIENTS:
        return
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    slots = [(role, code) for (role, codes), weight in zip(MIX, WEIGHTS) for code in codes for _ in range(weight)]
    for n in range(have, RECIPIENTS):
        role, code = slots[n % len(slots)]
        user = User(email=f"bench.digest.{n}@example.org", name=f"Digest Reader {n}", role=role,
                    institution=institutions[code], active=True, locale="pl" if n % 3 else "en",
                    digest_opt_in=True, failed_logins=0, password_hash="x")
        db.session.add(user)
    db.session.commit()


def run(app, n: int) -> list[Figure]:
    outbox = Path(app.instance_path) / "outbox"
    with app.app_context():
        _recipients()
        period = current_period()
        db.session.execute(delete(DigestDelivery).where(DigestDelivery.period == period))
        db.session.execute(delete(DigestRun).where(DigestRun.period == period))
        db.session.commit()
        shutil.rmtree(outbox, ignore_errors=True)
        app.config["MAIL_SERVER"] = ""
        started = time.perf_counter()
        report = send_digests(period)
        seconds = time.perf_counter() - started
        assert len(report.sent) >= RECIPIENTS and not report.failed, (len(report.sent), report.failed[:3])
        # Floor: writing the same number of ready-made messages to the outbox.
        message = EmailMessage()
        message["Subject"] = "floor"
        message.set_content("x" * 4000)
        message.add_alternative("<p>" + "x" * 8000 + "</p>", subtype="html")
        floor_box = OutboxTransport(outbox.parent / "outbox-floor")
        started = time.perf_counter()
        for i in range(RECIPIENTS):
            floor_box.send(message, f"floor-{i}")
        floor = time.perf_counter() - started
        shutil.rmtree(outbox.parent / "outbox-floor", ignore_errors=True)
    return [Figure("floor: write 1,000 ready messages to the outbox", floor),
            Figure(f"all digests, {len(report.sent)} recipients (outbox)", seconds, floor, 30.0, "outbox writes")]
