"""A fictional set of national actions across institutions, some overdue, at risk and stale, for `seed-demo`.
Dates are relative to the day it runs, so the compliance states hold whenever the demo is loaded."""
from datetime import timedelta

from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import CompactCommitment, Institution, NipAction, NipStatus, User
from seconding.nip.services import ActionData, TargetData, UpdateData, add_progress_update, create_action, save_target

P, IP, C, D, X = (NipStatus.PLANNED, NipStatus.IN_PROGRESS, NipStatus.COMPLETED, NipStatus.DELAYED,
                  NipStatus.CANCELLED)

# code, title, lead, partners, commitments (edition-code), start and due (days from today),
# indicator (text, unit, baseline, target), updates as (days ago, status, progress, value, narrative)
ACTIONS = (
    ("NIP-01", "Raise the number of Polish experts in civilian CSDP missions", "MFA", ("MIA", "MF", "MJ"),
     ("2018-CONTRIBUTIONS", "2023-SECONDED-70"), -500, 400, ("Experts deployed on 31 December", "experts", 60, 100),
     ((500, P, 0, 60, ""), (300, IP, 20, 66, "Secondment budget line agreed with the Ministry of Finance."),
      (20, IP, 40, 72, "Twelve new experts selected in the autumn calls."))),
    ("NIP-02", "Pre-deployment training (PDT and HEAT) for the whole national pool", "POLICE", ("BORDER_GUARD",),
     ("2023-RAPID-200",), -300, 45, ("Active experts with valid PDT and HEAT", "%", 35, 80),
     ((300, P, 0, 35, ""), (150, IP, 30, 48, "Two HEAT sessions held at the Police Academy in Szczytno."),
      (40, IP, 50, 57, "PDT places requested from the ESDC for the spring."))),
    ("NIP-03", "Gender focal points in every service's secondment team", "MIA", ("POLICE", "BORDER_GUARD"),
     ("2023-WOMEN-40", "2018-WOMEN"), -400, -30, ("Services with a focal point", "services", 0, 4),
     ((400, P, 0, 0, ""), (200, IP, 50, 2, "Police and Border Guard appointed focal points."),
      (60, IP, 80, 3, "NRA appointment signed; Prison Service still pending."))),
    ("NIP-04", "Recognise mission service in promotion rules", "POLICE", (),
     ("2018-CONTRIBUTIONS",), -250, 300, ("Draft regulation adopted", "", 0, 1),
     ((250, P, 0, None, ""), (120, P, 10, None, "Legal analysis of the promotion regulation started."))),
    ("NIP-05", "Rapid deployment roster for a mission launched within 30 days", "MFA", ("MIA", "NRA", "PRISON"),
     ("2023-RAPID-200", "2018-RAPID-200"), -360, 200, ("Experts on the rapid roster", "experts", 0, 40),
     ((360, P, 0, 0, ""), (100, D, 30, 9, "Roster rules delayed by the change of the secondment act."))),
    ("NIP-06", "Customs experts pool for border assistance missions", "NRA", (),
     ("2023-SECONDED-70",), -600, -200, ("Customs experts in the pool", "experts", 5, 20),
     ((600, P, 0, 5, ""), (400, IP, 60, 14, "Call for volunteers in all customs chambers."),
      (210, C, 100, 22, "Pool of 22 customs officers in place."))),
    ("NIP-07", "Prison Service rule-of-law advisers for EULEX and EUAM", "PRISON", ("MJ",),
     ("2023-SECONDED-KEY",), -200, 20, ("Advisers nominated", "experts", 0, 6),
     ((200, P, 0, 0, ""), (25, IP, 90, 5, "Five advisers nominated; one awaiting clearance."))),
    ("NIP-08", "National register and insurance for freelance experts", "MFA", ("INDEPENDENT",),
     ("2018-CONTRIBUTIONS",), -500, 100, ("", "", None, None),
     ((500, P, 0, None, ""), (180, X, 0, None, "Merged into the rapid roster action (NIP-05)."))),
    ("NIP-09", "Russian and Romanian language training for candidates", "BORDER_GUARD", ("POLICE",),
     ("2023-RAPID-200",), -150, 150, ("Candidates at B2 or above", "experts", 10, 40),
     ((150, P, 0, 10, ""), (10, IP, 35, 18, "Two intensive courses running in Kętrzyn."))),
)

TARGETS = ((-1, 80, 35, 70), (0, 95, 40, 70), (1, 110, 40, 70))


def _commitments() -> dict[str, CompactCommitment]:
    return {f"{c.edition}-{c.code}": c for c in db.session.scalars(select(CompactCommitment))}


def seed_demo_data() -> list[str]:
    """Demo NIP actions with their progress history and three years of national targets (idempotent)."""
    today = today_in_warsaw()
    existing = set(db.session.scalars(select(NipAction.code)))
    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    commitments = _commitments()
    author = db.session.scalar(select(User).where(User.email == "coordinator@seconding.example.org"))
    created = 0
    for code, title, lead, partners, links, start, due, indicator, updates in ACTIONS:
        if code in existing:
            continue
        text, unit, baseline, target = indicator
        data = ActionData(code=code, title=title, lead_institution_id=institutions[lead].id,
                          due_on=today + timedelta(days=due), start_on=today + timedelta(days=start),
                          partner_ids=[institutions[p].id for p in partners],
                          commitment_ids=[commitments[c].id for c in links if c in commitments],
                          indicator=text, indicator_unit=unit, indicator_baseline=baseline, indicator_target=target)
        (first_ago, status, progress, value, narrative), *later = updates
        action = create_action(data, UpdateData(today - timedelta(days=first_ago), status, progress, value, narrative),
                               author=author, today=today)
        for ago, status, progress, value, narrative in later:
            add_progress_update(action, UpdateData(today - timedelta(days=ago), status, progress, value, narrative),
                                author=author, today=today, version=None)
        created += 1
    for offset, experts, women, seconded in TARGETS:
        save_target(TargetData(today.year + offset, experts, women, seconded, "Demo figures"))
    return [f"NIP: {created} demo actions created, national targets for {today.year - 1}–{today.year + 1}"]
