"""The national shortlist's balance (the Compact's own figures): forwarding a list with women or men under
SHORTLIST_MIN_SHARE % (40) asks the coordinator to confirm, on the page (one or many) and in the API, and the
history keeps the confirmation; every call shows its shortlist by sex and by service; the funnel report shows the
share of women at each stage. Figures hand-counted; the boundary is 40 % (no warning) against 38.9 % (7 of 18)."""
from datetime import date

import pytest

from seconding.dates import today_in_warsaw
from seconding.models import Role, Sex
from seconding.models.enums import NominationStatus as N
from seconding.models.nominations import Nomination
from seconding.nominations.queries import ShortlistBalance, shortlist_balance
from seconding.nominations.services import create_nomination
from tests.fixtures_api import *  # noqa: F403
from tests.fixtures_missions import *  # noqa: F403
from tests.test_reports import all_three

SERVICES = ("POLICE", "BORDER_GUARD")  # alternated: the list never comes from one service alone


@pytest.fixture
def shortlist(db, make_cfc, make_position, make_expert, make_user):
    """Factory: a call with nominations of women and men in given statuses; returns (cfc, {status: [nominations]})."""
    admin = make_user(Role.ADMIN)

    def make(reference: str = "EUMA 9-2030", **counts: tuple[int, int]) -> tuple[object, dict]:
        cfc = make_cfc("EUMA", reference=reference)
        position = make_position(cfc, "ARM 1", posts=20)
        made: dict[str, list[Nomination]] = {}
        n = 0
        for status, (women, men) in counts.items():
            for sex in ["F"] * women + ["M"] * men:
                nomination = create_nomination(position, make_expert(SERVICES[n % 2], sex=sex), admin,
                                               consent_on=date(2026, 1, 1))
                nomination.status = N(status)
                if nomination.status == N.FORWARDED:
                    nomination.forwarded_on = today_in_warsaw()
                made.setdefault(status, []).append(nomination)
                n += 1
        db.session.commit()
        return cfc, made

    return make


def _bulk(client, nominations, **extra):
    return client.post_form("/nominations/bulk", {
        "ids": [str(n.id) for n in nominations], "action": "forward", "forwarded_on": today_in_warsaw().isoformat(),
        "goalkeeper_ref": "GK-1", **extra})


def _forward_one(client, nomination, **extra):
    return client.post_form(f"/nominations/{nomination.id}/act", {
        "action": "forward", "forward-action": "forward", "forward-version": str(nomination.version),
        "forward-forwarded_on": today_in_warsaw().isoformat(), "forward-goalkeeper_ref": "GK-2",
        **{f"forward-{k}": v for k, v in extra.items()}})


def _statuses(db, nominations) -> set:
    db.session.expire_all()
    return {db.session.get(Nomination, n.id).status for n in nominations}


@pytest.mark.parametrize(("women", "men", "warned"), [
    (2, 3, False), (3, 2, False),  # 40 % of one sex: no warning
    (7, 11, True), (11, 7, True),  # 38.9 % women, then 38.9 % men
    (39, 61, True), (40, 60, False), (61, 39, True),  # 39 % and 40 % of a hundred
    (0, 1, False), (1, 0, False),  # one person is no list
    (0, 2, True), (1, 1, False), (0, 0, False),
])
def test_the_rule_one_sex_under_40_percent(women, men, warned):
    balance = ShortlistBalance(by_sex={Sex.F: (women, 0), Sex.M: (0, men)}, by_service={}, women_by_service={},
                               min_share=40)
    assert balance.unbalanced is warned


def test_the_minimum_share_is_a_setting(app, monkeypatch):
    from seconding.config import ConfigError, finish, from_environment

    monkeypatch.setenv("SHORTLIST_MIN_SHARE", "45")
    assert from_environment("/tmp")["SHORTLIST_MIN_SHARE"] == 45
    monkeypatch.delenv("SHORTLIST_MIN_SHARE")
    assert from_environment("/tmp")["SHORTLIST_MIN_SHARE"] == 40
    config = from_environment("/tmp")
    config["SHORTLIST_MIN_SHARE"] = 60  # every list would warn
    with pytest.raises(ConfigError, match="SHORTLIST_MIN_SHARE"):
        finish(config)


def test_bulk_at_40_percent_forwards_without_asking(client, login, make_user, shortlist, db):
    _, made = shortlist(endorsed=(2, 3))
    login(make_user(Role.COORDINATOR))
    response = _bulk(client, made["endorsed"])
    assert response.status_code == 302 and "/packages/" in response.headers["Location"]
    assert _statuses(db, made["endorsed"]) == {N.FORWARDED}


def test_bulk_at_39_percent_asks_to_confirm_and_keeps_the_confirmation(client, login, make_user, shortlist, db):
    _, made = shortlist(endorsed=(7, 11))
    login(make_user(Role.COORDINATOR))
    html = _bulk(client, made["endorsed"]).get_data(as_text=True)
    assert "Check before forwarding" in html
    assert ("The national shortlist of EUMA 9-2030 (forwarded and to be forwarded) would have 7 women and 11 men of "
            "18: 38.9 % women. One sex is under 40 %, the Compact&#39;s target.") in html
    assert "Female" in html and "Male" in html and ", F)" not in html  # labels, not codes
    assert _statuses(db, made["endorsed"]) == {N.ENDORSED}
    response = _bulk(client, made["endorsed"], confirm_warnings="y")
    assert response.status_code == 302
    assert _statuses(db, made["endorsed"]) == {N.FORWARDED}
    for nomination in made["endorsed"]:
        assert db.session.get(Nomination, nomination.id).history[-1].comment == (
            "Forwarded with the national shortlist at 38.9 % women (7 of 18), under the 40 % target; confirmed.")


def test_bulk_at_39_percent_of_men_asks_too(client, login, make_user, shortlist, db):
    _, made = shortlist(endorsed=(11, 7))
    login(make_user(Role.COORDINATOR))
    html = _bulk(client, made["endorsed"]).get_data(as_text=True)
    assert "would have 11 women and 7 men of 18: 61.1 % women. One sex is under 40 %" in html


def test_single_forwarding_at_40_percent_counts_those_forwarded_and_endorsed(client, login, make_user, shortlist,
                                                                             db):
    """Two women and a man forwarded, a man endorsed, and this man: 2 of 5. Drafts, returns and withdrawals are
    no part of the list (without the endorsed ones the list would be 2 of 4: no warning either way)."""
    _, made = shortlist(forwarded=(2, 1), endorsed=(0, 2), draft=(0, 3), withdrawn=(0, 2), rejected=(0, 1))
    login(make_user(Role.COORDINATOR))
    response = _forward_one(client, made["endorsed"][0])
    assert response.status_code == 302
    assert _statuses(db, made["endorsed"][:1]) == {N.FORWARDED}
    assert db.session.get(Nomination, made["endorsed"][0].id).history[-1].comment == ""  # nothing to confirm


def test_single_forwarding_counts_the_endorsed_still_to_forward(client, login, make_user, shortlist, db):
    """One woman and one man forwarded; two men endorsed; forwarding one of them: 1 of 4 women (25 %)."""
    _, made = shortlist(forwarded=(1, 1), endorsed=(0, 2))
    login(make_user(Role.COORDINATOR))
    html = _forward_one(client, made["endorsed"][0]).get_data(as_text=True)
    assert "would have 1 women and 3 men of 4: 25 % women" in html


def test_single_forwarding_at_39_percent_asks_to_confirm_and_the_history_keeps_it(client, login, make_user,
                                                                                  shortlist, db):
    _, made = shortlist(forwarded=(7, 10), endorsed=(0, 1))
    nomination = made["endorsed"][0]
    login(make_user(Role.COORDINATOR))
    warned = _forward_one(client, nomination)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "would have 7 women and 11 men of 18: 38.9 % women. One sex is under 40 %" in html
    assert "Tick “Forward anyway” to forward it all the same." in html
    assert _statuses(db, [nomination]) == {N.ENDORSED}
    done = _forward_one(client, nomination, confirm_warnings="y")
    assert done.status_code == 302
    assert _statuses(db, [nomination]) == {N.FORWARDED}
    note = "Forwarded with the national shortlist at 38.9 % women (7 of 18), under the 40 % target; confirmed."
    assert db.session.get(Nomination, nomination.id).history[-1].comment == note
    assert note in client.get(f"/nominations/{nomination.id}").get_data(as_text=True)


def test_a_stricter_setting_warns_at_40_percent(app, client, login, make_user, shortlist, db, monkeypatch):
    monkeypatch.setitem(app.config, "SHORTLIST_MIN_SHARE", 45)
    _, made = shortlist(endorsed=(2, 3))
    login(make_user(Role.COORDINATOR))
    assert "40 % women. One sex is under 45 %" in _bulk(client, made["endorsed"]).get_data(as_text=True)


@pytest.mark.parametrize(("forwarded", "warned"), [((2, 2), False), ((7, 10), True)])
def test_the_api_asks_to_confirm_at_39_percent_not_at_40(api_as, shortlist, db, forwarded, warned):
    _, made = shortlist(forwarded=forwarded, endorsed=(0, 1))
    nomination = made["endorsed"][0]
    api = api_as(Role.COORDINATOR)
    body = {"action": "forward", "version": nomination.version, "forwarded_on": today_in_warsaw().isoformat(),
            "goalkeeper_ref": "GK-3"}
    answer = api.post(f"/nominations/{nomination.id}/transitions", json=body)
    if not warned:
        assert answer.status_code == 200
        return
    error = answer.get_json()["error"]
    assert answer.status_code == 422 and error["code"] == "confirmation_needed"
    assert "would have 7 women and 11 men of 18: 38.9 % women" in error["message"]
    assert _statuses(db, [nomination]) == {N.ENDORSED}
    answer = api.post(f"/nominations/{nomination.id}/transitions", json={**body, "confirm_warnings": True})
    assert answer.status_code == 200
    assert db.session.get(Nomination, nomination.id).history[-1].comment == (
        "Forwarded with the national shortlist at 38.9 % women (7 of 18), under the 40 % target; confirmed.")


def _balance_section(html: str) -> str:
    return html.split('id="shortlist-heading"')[1].split("</section>")[0]


def test_the_cfc_page_shows_the_shortlist_by_sex_and_service(client, login, make_user, shortlist, db):
    cfc, made = shortlist(forwarded=(1, 2), endorsed=(1, 1), draft=(2, 0), not_selected=(0, 1))
    # In order: forwarded F (POLICE), M (BG), M (POLICE); endorsed F (BG), M (POLICE); drafts F (BG), F (POLICE)
    # left out; not selected M (BG), forwarded once. Women: 2 of 6.
    login(make_user(Role.VIEWER))  # counts only: a viewer sees them too
    section = _balance_section(client.get(f"/missions/cfcs/{cfc.id}").get_data(as_text=True))
    assert "Share of women: 33.3 % of 6 (target: each sex at least 40 %)." in section
    assert "One sex is under the target." in section
    rows = [row.split("</th>") for row in section.split("<tr><th scope=\"row\">")[1:]]
    cells = {label: [c for c in rest.replace("</td>", "").split('<td class="app-num">')[1:]]
             for label, rest in ((r[0], r[1].split("</tr>")[0]) for r in rows)}
    assert cells == {"Female": ["1", "1"], "Male": ["3", "1"],
                     "Border Guard": ["2", "1", "1"], "Police": ["2", "1", "1"]}


def test_the_cfc_page_for_an_hr_officer_counts_their_scope(client, login, make_user, shortlist):
    cfc, _ = shortlist(forwarded=(2, 2))
    login(make_user(Role.HR_OFFICER, "POLICE"))
    section = _balance_section(client.get(f"/missions/cfcs/{cfc.id}").get_data(as_text=True))
    assert "Counted in your scope only." in section
    assert "Share of women: 50 % of 2" in section and "BORDER_GUARD" not in section


def test_an_empty_shortlist(client, login, make_user, make_cfc):
    cfc = make_cfc("EUMA")
    login(make_user(Role.COORDINATOR))
    assert "Nothing forwarded or endorsed yet." in client.get(f"/missions/cfcs/{cfc.id}").get_data(as_text=True)


def test_balance_query_counts_those_being_forwarded_as_forwarded(app_ctx, shortlist):
    _, made = shortlist(forwarded=(1, 0), endorsed=(1, 2))
    balance = shortlist_balance(made["forwarded"][0].position.cfc_id, forwarding=made["endorsed"][:2])
    assert balance.by_sex == {Sex.F: (2, 0), Sex.M: (1, 1)}
    assert balance.women_percent == 50.0 and not balance.unbalanced


def test_the_funnel_shows_the_share_of_women_at_each_stage(client, login, make_user, shortlist, db):
    """Call A: 4 women and 6 men nominated; 2 women and 4 men forwarded; 1 man selected.
    Call B: 2 women and 2 men nominated, all forwarded; 1 woman and 1 man selected."""
    _, a = shortlist("EUMA 1-2030", submitted=(2, 2), selected=(0, 1), forwarded=(2, 3))
    _, b = shortlist("EUMA 2-2030", forwarded=(1, 1), selected=(1, 1))
    for nomination in [*a["selected"], *b["selected"]]:
        nomination.forwarded_on = today_in_warsaw()
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    assert all_three(client, "funnel", "by_cfc") == [
        # nominated, forwarded, selected, reserve, not selected, success; women nominated, forwarded, selected
        ["EUMA 1-2030", 10, 6, 1, 0, 0, 16.7, 40.0, 33.3, 0.0],
        ["EUMA 2-2030", 4, 4, 2, 0, 0, 50.0, 50.0, 50.0, 50.0],
        ["Total", 14, 10, 3, 0, 0, 30.0, 42.9, 40.0, 33.3]]
    # Per service: the factory alternates POLICE and BORDER_GUARD, women first in each status.
    by_service = all_three(client, "funnel", "by_institution")
    assert by_service[-1] == ["Total", 14, 10, 3, 0, 0, 30.0, 42.9, 40.0, 33.3]
    assert sum(row[1] for row in by_service[:-1]) == 14
