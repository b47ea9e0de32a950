"""Profile completeness pages: the overview hand-counted (page, CSV, XLSX), scope, the list filters, the expert
page, "confirm as current" (audited, optimistic locking), the digest section, the demo data."""
import csv
import io
import random
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.db import utcnow
from seconding.demo.experts import fictional_expert
from seconding.digest.content import build
from seconding.digest.render import render
from seconding.models import AuditEvent, ClearanceLevel, PoolStatus, Role
from tests.job_downloads import export_register
from tests.test_profiles_rules import CV

HEADER = ["Institution", "Institution name", "Active experts", "Complete profiles", "Complete (%)",
          "Confirmed within 6 months", "Confirmed (%)", "Missing: Languages", "Missing: Security clearance",
          "Missing: Passport",
          "Missing: Mandatory courses", "Missing: Availability", "Missing: Consent to processing",
          "Missing: CV: education and employment",
          "Most common missing"]


@pytest.fixture
def pool(make_expert, add_training):
    """Four active Police experts and a suspended one, two Border Guard experts (see the counts in the tests), all
    entered 400 days ago."""
    today = today_in_warsaw()
    now = utcnow()
    good = {"passport_expires": today + timedelta(days=900), "available_from": today - timedelta(days=30),
            "consent_on": today - timedelta(days=60), "clearance_level": ClearanceLevel.SECRET,
            "clearance_expires": today + timedelta(days=700), **CV}
    specs = [
        ("POLICE", "Pelna", {}, now - timedelta(days=10), True),
        ("POLICE", "Bezpaszportu", {"passport_expires": None, "consent_on": None}, now - timedelta(days=250), True),
        ("POLICE", "Przeterminowany", {"passport_expires": today - timedelta(days=1)}, None, True),
        ("POLICE", "Niepotwierdzony", {}, None, True),
        ("POLICE", "Zawieszony", {"pool_status": PoolStatus.SUSPENDED, "languages": [], "passport_expires": None},
         None, False),
        ("BORDER_GUARD", "Bezjezyka", {"languages": []}, now - timedelta(days=31), True),
        ("BORDER_GUARD", "Bezszkolen", {"available_from": None}, None, False),
    ]
    experts = {}
    for institution, family, changes, confirmed_at, trained in specs:
        expert = make_expert(institution, family_name=family, **{**good, **changes})
        expert.confirmed_at = confirmed_at
        expert.created_at = now - timedelta(days=400)  # an old pool: a new profile would count as current
        if trained:
            add_training(expert, "PDT", today - timedelta(days=400))
            add_training(expert, "HEAT", today - timedelta(days=400))
        experts[family] = expert
    return experts


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_the_overview_numbers_are_hand_counted(client, login, make_user, pool):
    login(make_user(Role.COORDINATOR, "MFA"))
    rows = csv_rows(client.get("/experts/completeness.csv"))
    assert rows == [
        HEADER,
        # 4 active (the suspended one is out): Pelna and Niepotwierdzony complete; Pelna alone confirmed recently.
        ["BORDER_GUARD", "Border Guard", "2", "0", "0.0", "1", "50.0", "1", "0", "0", "1", "1", "0", "0",
         "Languages (1), Mandatory courses (1), Availability (1)"],
        ["POLICE", "Police", "4", "2", "50.0", "1", "25.0", "0", "0", "2", "0", "0", "1", "0",
         "Passport (2), Consent to processing (1)"],
        ["All", "All institutions in your scope", "6", "2", "33.3", "2", "33.3", "1", "0", "2", "1", "1", "1", "0",
         "Passport (2), Languages (1), Mandatory courses (1)"],
    ]
    book = load_workbook(io.BytesIO(client.get("/experts/completeness.xlsx").get_data()))
    sheet = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert sheet[0] == HEADER and [r[:4] for r in sheet[1:]] == [r[:4] for r in rows[1:]]
    assert [r[4] for r in sheet[1:]] == ["0", "50", "33.3"]  # numbers stay numbers in the workbook
    page = client.get("/experts/completeness").get_data(as_text=True)
    assert "33.3 %" in page and "50 %" in page and "Only experts in the active pool count." in page
    # A figure links to the experts it counts.
    assert "/experts/?status=active&amp;missing=passport&amp;institution=POLICE" in page


def test_hr_officers_see_only_their_service(client, login, make_user, pool):
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    rows = csv_rows(client.get("/experts/completeness.csv"))
    assert [r[0] for r in rows[1:]] == ["BORDER_GUARD"]  # one row, so no total
    page = client.get("/experts/completeness").get_data(as_text=True)
    assert "POLICE" not in page


def test_an_empty_scope_says_so(client, login, make_user, pool):
    login(make_user(Role.HR_OFFICER, "PRISON"))
    assert "No expert of the active pool in your scope." in client.get("/experts/completeness").get_data(as_text=True)
    assert csv_rows(client.get("/experts/completeness.csv")) == [HEADER]


def _listed(client, query: str) -> set[str]:
    page = client.get("/experts/?" + query).get_data(as_text=True)
    return {name for name in ("Pelna", "Bezpaszportu", "Przeterminowany", "Niepotwierdzony", "Zawieszony",
                              "Bezjezyka", "Bezszkolen") if name in page}


def test_the_list_filters_incomplete_and_not_confirmed(client, login, make_user, pool):
    login(make_user(Role.COORDINATOR, "MFA"))
    assert _listed(client, "missing=any") == {"Bezpaszportu", "Przeterminowany", "Zawieszony", "Bezjezyka",
                                              "Bezszkolen"}
    assert _listed(client, "missing=passport&status=active") == {"Bezpaszportu", "Przeterminowany"}
    assert _listed(client, "missing=courses") == {"Zawieszony", "Bezszkolen"}
    assert _listed(client, "confirmation=outdated&status=active") == {"Bezpaszportu", "Przeterminowany",
                                                                      "Niepotwierdzony", "Bezszkolen"}
    assert _listed(client, "confirmation=recent") == {"Pelna", "Bezjezyka"}
    # A value that makes no sense is reported and not applied.
    page = client.get("/experts/?missing=everything")
    assert page.status_code == 200 and "Some filters were not applied" in page.get_data(as_text=True)
    assert _listed(client, "missing=everything") == set(pool)


def test_the_register_export_follows_the_profile_filters(client, login, make_user, pool):
    login(make_user(Role.COORDINATOR, "MFA"))
    rows = csv_rows(export_register(client, "csv", missing="passport", status="active"))
    assert sorted(r[3] for r in rows[1:]) == ["Bezpaszportu", "Przeterminowany"]


def test_the_expert_page_shows_what_is_missing_and_the_last_confirmation(client, login, make_user, pool):
    login(make_user(Role.HR_OFFICER, "BORDER_GUARD"))
    page = client.get(f"/experts/{pool['Bezszkolen'].id}").get_data(as_text=True)
    assert "2 fields missing" in page and "no valid record of HEAT, PDT" in page
    assert "the date is not stated" in page and "never" in page and "not confirmed for 6 months" in page
    page = client.get(f"/experts/{pool['Bezjezyka'].id}").get_data(as_text=True)
    assert "no language recorded" in page and "not confirmed for 6 months" not in page


def test_confirming_records_who_and_when_and_is_audited(client, login, make_user, pool, db):
    hr = login(make_user(Role.HR_OFFICER, "POLICE", name="Ewa Kadrowa"))
    expert = pool["Przeterminowany"]
    version = expert.version
    response = client.post_form(f"/experts/{expert.id}/confirm", {"version": str(version)}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The profile is confirmed as current. Still missing: Passport." in text
    assert "by Ewa Kadrowa" in text and "not confirmed for 6 months" not in text
    db.session.refresh(expert)
    assert expert.confirmed_by_id == hr.id and utcnow() - expert.confirmed_at < timedelta(minutes=1)
    assert expert.version == version + 1  # a form opened before the confirmation is now stale
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert_confirmed")).one()
    assert (event.object_id, event.summary) == (str(expert.id), "confirmed as current; missing: passport")
    # The overview counts it at once.
    rows = csv_rows(client.get("/experts/completeness.csv"))
    assert rows[1][5] == "2"


def test_a_stale_confirmation_changes_nothing_and_says_so(client, login, make_user, pool, db):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    expert = pool["Niepotwierdzony"]
    for version in (str(expert.version - 1), "", "abc"):
        response = client.post_form(f"/experts/{expert.id}/confirm", {"version": version}, follow_redirects=True)
        assert "Someone else changed this expert after you opened the page" in response.get_data(as_text=True)
    db.session.refresh(expert)
    assert expert.confirmed_at is None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "expert_confirmed")) is None


def test_an_anonymised_record_cannot_be_confirmed(client, login, make_user, pool, db):
    login(make_user(Role.COORDINATOR, "MFA"))
    expert = pool["Zawieszony"]
    expert.pool_status, expert.anonymised_at = PoolStatus.LEFT, utcnow()
    db.session.commit()
    response = client.post_form(f"/experts/{expert.id}/confirm", {"version": str(expert.version)},
                                follow_redirects=True)
    assert "This record is anonymised" in response.get_data(as_text=True)
    db.session.refresh(expert)
    assert expert.confirmed_at is None


def test_the_digest_counts_profiles_in_the_recipients_scope(pool, make_user, db):
    today = today_in_warsaw()
    hr = make_user(Role.HR_OFFICER, "POLICE")
    content = build(hr, today)
    assert (content.profiles.experts, content.profiles.incomplete, content.profiles.not_confirmed) == (4, 2, 3)
    assert content.most_common_missing() == ("Passport", 2)
    text = render(hr, "2026-12", content).text
    assert "Incomplete profiles: 2 of 4" in text and "Not confirmed as current for 6 months: 3 of 4" in text
    assert "Most often missing: Passport (2)" in text and "/experts/completeness" in text
    viewer = make_user(Role.VIEWER, "MFA")
    content = build(viewer, today)
    assert (content.profiles.experts, content.profiles.incomplete) == (6, 4)
    rendered = render(viewer, "2026-12", content)
    assert "Incomplete profiles: 4 of 6" in rendered.text
    assert "/experts/completeness" not in rendered.text + rendered.html  # a page viewers cannot open


def test_the_demo_pool_has_confirmations_old_and_recent():
    today = today_in_warsaw()
    moments = [fictional_expert(random.Random(1), n, today)["confirmed_at"] for n in range(1, 201)]
    recent = [m for m in moments if m and m.date() >= today - timedelta(days=180)]
    assert moments.count(None) > 20 and len(recent) > 40 and len([m for m in moments if m]) - len(recent) > 40
    # The same number gives the same moment, whatever else the generator draws.
    assert fictional_expert(random.Random(2), 7, today)["confirmed_at"] == moments[6]


def test_the_months_come_from_the_configuration(client, login, make_user, pool, app, monkeypatch):
    from seconding.config import ConfigError, finish

    monkeypatch.setitem(app.config, "PROFILE_CONFIRM_MONTHS", 12)
    login(make_user(Role.COORDINATOR, "MFA"))
    rows = csv_rows(client.get("/experts/completeness.csv"))
    assert rows[0][5] == "Confirmed within 12 months" and rows[2][5] == "2"  # Bezpaszportu, 250 days ago, counts
    assert "Bezpaszportu" in _listed(client, "confirmation=recent")
    with pytest.raises(ConfigError, match="PROFILE_CONFIRM_MONTHS"):
        finish({"SESSION_IDLE_MINUTES": 30, "MAX_UPLOAD_MB": 1, "PROFILE_CONFIRM_MONTHS": 0})
