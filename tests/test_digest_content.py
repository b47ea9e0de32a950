"""What the digest says: golden files for a fixed period and fixed data, each section's rule, scope, escaping."""
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from seconding.deployments.services import record_deployment
from seconding.digest.content import build
from seconding.digest.render import render
from seconding.extensions import db as _db
from seconding.models import ClearanceLevel, Mission, NationalTarget, NipStatus, Role
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.nip.services import ActionData, UpdateData, add_progress_update, create_action

GOLDEN = Path(__file__).parent / "golden"
PERIOD, AS_OF = "2026-06", date(2026, 6, 1)


def _ids(text: str) -> str:
    """Links carry database ids, which differ between runs; the golden files say N."""
    return re.sub(r"(:5000/[a-z/]+/)\d+", r"\1N", text)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; check it, then UPDATE_GOLDEN=1"


@pytest.fixture
def fixed(make_user, make_expert, make_cfc, make_position, make_nomination, institutions):
    """One of each digest item in the Police's scope as of 1 June 2026, and a Border Guard expert beside it."""
    today = date(2026, 12, 2)
    action = create_action(ActionData(code="NIP-G1", title="Pre-deployment training for the pool", due_on=date(
        2026, 5, 1), lead_institution_id=institutions["POLICE"].id), UpdateData(date(2026, 1, 10),
                                                                               NipStatus.PLANNED, 0),
        author=None, today=today)
    add_progress_update(action, UpdateData(date(2026, 4, 1), NipStatus.IN_PROGRESS, 40, None, "Two sessions"),
                        author=None, today=today, version=None)
    jan = make_expert("POLICE", given_name="Jan", family_name="Kowalski", passport_expires=date(2026, 7, 15),
                      clearance_level=ClearanceLevel.SECRET, clearance_expires=date(2026, 8, 1),
                      consent_on=date(2026, 1, 1))
    maria = make_expert("POLICE", given_name="Maria", family_name="Nowak", sex="F")
    make_expert("BORDER_GUARD", given_name="Bartosz", family_name="Graniczny", passport_expires=date(2026, 6, 5))
    mission = _db.session.query(Mission).filter_by(acronym="EUMM Georgia").one()
    record_deployment(expert=maria, mission=mission, start=date(2025, 7, 1), end=date(2026, 7, 20),
                      status=DeploymentStatus.DEPLOYED)
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 2-2026",
                   national_deadline=datetime(2026, 6, 20, 10, 0, tzinfo=UTC),
                   eeas_deadline=datetime(2026, 6, 25, 15, 0, tzinfo=UTC))
    make_position(cfc, "GEO ZM 12", title="Monitor")
    waiting = make_position(cfc, "GEO ZM 13", title="Reporting officer")
    admin = make_user(Role.ADMIN, "MFA")
    make_nomination(waiting, jan, NominationStatus.SUBMITTED, by=admin, at=datetime(2026, 5, 10, 9, 0, tzinfo=UTC))
    _db.session.add(NationalTarget(year=2026, experts_deployed=90, women_percent=40, seconded_percent=70))
    for expert in (jan, maria):  # entered long before the period (a new profile counts as current)
        expert.created_at = datetime(2025, 1, 1, tzinfo=UTC)
    _db.session.commit()
    return make_user(Role.HR_OFFICER, "POLICE", name="Ewa Kadrowa", email="ewa@example.org")


def test_the_rendered_digest_matches_the_golden_files(fixed):
    rendered = render(fixed, PERIOD, build(fixed, AS_OF))
    assert rendered.subject == "Compliance digest 2026-06: what needs attention in your scope"
    _golden("digest-police-2026-06.txt", _ids(rendered.text))
    _golden("digest-police-2026-06.html", _ids(rendered.html))
    assert "Graniczny" not in rendered.text + rendered.html


def test_the_polish_digest_matches_its_golden_file(fixed, db):
    fixed.locale = "pl"
    db.session.commit()
    rendered = render(fixed, PERIOD, build(fixed, AS_OF))
    _golden("digest-police-2026-06.pl.txt", _ids(rendered.text))
    assert "Zestawienie" in rendered.subject


def test_each_section_follows_its_rule(fixed):
    c = build(fixed, AS_OF)
    assert [a.code for a in c.nip["overdue"].rows] == ["NIP-G1"] and c.nip["at_risk"].count == c.nip["stale"].count == 0
    assert [(r.family_name, r.passport_expires) for r in c.passports.rows] == [("Kowalski", date(2026, 7, 15))]
    assert [(r.family_name, r.clearance_expires) for r in c.clearances.rows] == [("Kowalski", date(2026, 8, 1))]
    assert c.courses.count == 0  # nobody holds an expiring course; missing ones are the training matrix's business
    assert [(r.family_name, r.end_date) for r in c.tours.rows] == [("Nowak", date(2026, 7, 20))]
    assert [[p.reference for p in d["open"]] for d in c.deadlines] == [["GEO ZM 12"]]
    assert [r.family_name for r in c.submitted.rows] == ["Kowalski"] and c.forwarded.count == 0
    assert (c.figures.total, c.figures.women_percent, c.target.experts_deployed) == (1, 100.0, 90)
    # 13 days after the submission it is not yet waiting, 14 days after it is.
    assert build(fixed, date(2026, 5, 23)).submitted.count == 0
    assert build(fixed, date(2026, 5, 24)).submitted.count == 1
    # Tours: the end on the 60th day counts, the 61st not.
    assert build(fixed, date(2026, 7, 20) - timedelta(days=60)).tours.count == 1
    assert build(fixed, date(2026, 7, 20) - timedelta(days=61)).tours.count == 0


def test_a_viewer_gets_counts_and_no_names(fixed, make_user):
    viewer = make_user(Role.VIEWER, "MFA")
    c = build(viewer, AS_OF)
    assert (c.passports.count, c.passports.rows, c.tours.count, c.tours.rows) == (2, [], 1, [])
    text = render(viewer, PERIOD, c)
    for name in ("Kowalski", "Nowak", "Graniczny"):
        assert name not in text.text and name not in text.html


def test_nothing_to_report_is_said_in_one_line(db, make_user):
    user = make_user(Role.HR_OFFICER, "PRISON")
    rendered = render(user, PERIOD, build(user, AS_OF))
    assert "Nothing needs your attention in your scope this month." in rendered.text
    assert "Nothing needs your attention in your scope this month." in rendered.html
    before_figures = rendered.text.split("== Headline figures")[0]
    assert [line for line in before_figures.splitlines() if line][2:] == [
        "Nothing needs your attention in your scope this month."]  # after the subject and whom it is for


def test_a_malicious_name_is_escaped_in_html_and_harmless_in_text(db, make_user, make_expert):
    make_expert("POLICE", given_name='<script>alert("x")</script>', family_name="<img src=x onerror=alert(1)>",
                passport_expires=AS_OF + timedelta(days=3))
    user = make_user(Role.HR_OFFICER, "POLICE")
    rendered = render(user, PERIOD, build(user, AS_OF))
    assert "<script>" not in rendered.html and "<img src=x" not in rendered.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in rendered.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered.html
    # Plain text is never interpreted: the name is shown as typed.
    assert '<img src=x onerror=alert(1)>, <script>alert("x")</script> (Police)' in rendered.text


def test_the_sections_come_in_order_of_urgency(fixed):
    """Calls with a national deadline and nominations waiting first, the long expiry lists after."""
    c = build(fixed, AS_OF)
    assert c.sections == ["deadlines", "waiting", "nip", "tours", "expiry", "profiles"]
    rendered = render(fixed, PERIOD, c)
    headings = ["Calls with a national deadline within 30 days", "Nominations waiting", "NIP actions",
                "Tours ending within 60 days", "Experts (active pool)", "Profiles to update", "Headline figures"]
    for text, marker in ((rendered.text, "\n== "), (rendered.html, "<h2[^>]*>")):
        places = [re.search(marker + re.escape(heading), text).start() for heading in headings]
        assert places == sorted(places), text


def test_a_long_list_shows_its_ten_most_urgent_lines_and_links_to_the_rest(db, make_user, make_expert,
                                                                            institutions):
    for n in range(13):
        make_expert("POLICE", family_name=f"Paszport{n:02d}", passport_expires=AS_OF + timedelta(days=40 - 3 * n))
    for n in range(12):
        create_action(ActionData(code=f"NIP-{n:02d}", title="Late", due_on=date(2026, 5, 20) - timedelta(days=n),
                                 lead_institution_id=institutions["POLICE"].id),
                      UpdateData(date(2026, 1, 10), NipStatus.PLANNED, 0), author=None, today=date(2026, 12, 2))
    _db.session.commit()
    user = make_user(Role.HR_OFFICER, "POLICE")
    c = build(user, AS_OF)
    assert (c.passports.count, c.passports.hidden, c.nip["overdue"].count, c.nip["overdue"].hidden) == (13, 3, 12, 2)
    # The soonest first: Paszport12 expires first, Paszport03 is the tenth.
    assert [r.family_name for r in c.passports.rows] == [f"Paszport{n:02d}" for n in range(12, 2, -1)]
    assert [a.code for a in c.nip["overdue"].rows] == [f"NIP-{n:02d}" for n in range(11, 1, -1)]
    rendered = render(user, PERIOD, c)
    lines = rendered.text.splitlines()
    assert sum(1 for line in lines if line.startswith("- Paszport")) == 10 and "Paszport02" not in rendered.text
    assert "  … and 3 more: http://127.0.0.1:5000/experts/?status=active&expiring=passport" in lines
    assert "  … and 2 more: http://127.0.0.1:5000/nip/?flag=overdue" in lines
    assert ('<li>… and 3 more: <a href="http://127.0.0.1:5000/experts/?status=active&amp;expiring=passport">'
            "the full list in the app</a></li>") in rendered.html
    assert '<a href="http://127.0.0.1:5000/nip/?flag=overdue">the full list in the app</a>' in rendered.html
    # A viewer gets the counts, and no line nor link to a list of people.
    viewer = make_user(Role.VIEWER, "MFA")
    text = render(viewer, PERIOD, build(viewer, AS_OF)).text
    assert "Passports (13):" in text and "expiring=passport" not in text and "… and 2 more" in text
