"""The expert list: every filter, sorting, paging, filters kept in links, one query per page."""
from datetime import timedelta

import pytest

from seconding.dates import today_in_warsaw
from seconding.experts.services import Period
from seconding.models import ClearanceLevel, Role

TODAY = today_in_warsaw()


@pytest.fixture
def coordinator(make_user, login):
    return login(make_user(Role.COORDINATOR, "MFA"))


def names(client, query: str) -> set[str]:
    response = client.get("/experts/?" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    import re

    return set(re.findall(r'/experts/\d+">([^<]+),', html))


def test_search_by_name_and_personnel_number(client, coordinator, make_expert):
    make_expert(family_name="Wiśniewska", given_name="Anna", external_id="P-777")
    make_expert(family_name="Nowak", given_name="Piotr", external_id="P-100")
    assert names(client, "q=wiśniew") == {"Wiśniewska"}
    assert names(client, "q=ANNA") == {"Wiśniewska"}
    assert names(client, "q=p-100") == {"Nowak"}
    assert names(client, "q=anna+wiśniewska") == {"Wiśniewska"}
    assert names(client, "q=%25") == set()  # a wildcard typed by the user matches literally


def test_filter_by_institution(client, coordinator, make_expert):
    make_expert("POLICE", family_name="Policjant")
    make_expert("BORDER_GUARD", family_name="Strażnik")
    assert names(client, "institution=BORDER_GUARD") == {"Strażnik"}


def test_filter_by_language_and_minimum_level(client, coordinator, make_expert):
    make_expert(family_name="Exact", languages="ru:B2")
    make_expert(family_name="Below", languages="ru:B1")
    make_expert(family_name="Native", languages="ru:native")
    make_expert(family_name="Other", languages="en:C2")
    assert names(client, "language=ru&min_level=B2") == {"Exact", "Native"}
    assert names(client, "language=ru") == {"Exact", "Below", "Native"}
    assert names(client, "language=ru&min_level=native") == {"Native"}


def test_filter_by_clearance_level_valid_today(client, coordinator, make_expert):
    later = TODAY + timedelta(days=400)
    make_expert(family_name="Secret", clearance_level=ClearanceLevel.SECRET, clearance_expires=later)
    make_expert(family_name="TopSecret", clearance_level=ClearanceLevel.TOP_SECRET, clearance_expires=later)
    make_expert(family_name="Confidential", clearance_level=ClearanceLevel.CONFIDENTIAL, clearance_expires=later)
    make_expert(family_name="Lapsed", clearance_level=ClearanceLevel.SECRET,
                clearance_expires=TODAY - timedelta(days=1))
    make_expert(family_name="Today", clearance_level=ClearanceLevel.SECRET, clearance_expires=TODAY)
    assert names(client, "clearance=SECRET") == {"Secret", "TopSecret", "Today"}


def test_filter_by_expertise_primary_or_other(client, coordinator, make_expert):
    make_expert(family_name="Primary", expertise=["customs"])
    make_expert(family_name="Secondary", expertise=["border_management", "customs"])
    make_expert(family_name="Neither", expertise=["monitoring"])
    assert names(client, "expertise=customs") == {"Primary", "Secondary"}


def test_filter_by_pool_status(client, coordinator, make_expert):
    from seconding.models import PoolStatus

    make_expert(family_name="Active")
    make_expert(family_name="Gone", pool_status=PoolStatus.LEFT)
    assert names(client, "status=left") == {"Gone"}
    assert names(client, "status=active") == {"Active"}


def test_filter_by_availability_on_a_date(client, coordinator, make_expert):
    day = TODAY + timedelta(days=60)
    make_expert(family_name="Now")
    make_expert(family_name="FromThatDay", available_from=day)
    make_expert(family_name="TooLate", available_from=day + timedelta(days=1))
    make_expert(family_name="Away", unavailability=[Period(day - timedelta(days=5), day, "course")])
    make_expert(family_name="Back", unavailability=[Period(day - timedelta(days=5), day - timedelta(days=1))])
    assert names(client, f"available_on={day.isoformat()}") == {"Now", "FromThatDay", "Back"}


def test_filter_by_training_status(client, coordinator, make_expert, add_training, app):
    horizon = app.config["TRAINING_EXPIRING_DAYS"]
    valid = make_expert(family_name="AllValid")
    add_training(valid, "PDT", TODAY - timedelta(days=100))
    add_training(valid, "HEAT", TODAY - timedelta(days=10))
    expiring = make_expert(family_name="HeatExpiring")
    add_training(expiring, "PDT", TODAY - timedelta(days=100))
    add_training(expiring, "HEAT", TODAY - timedelta(days=30), expires_on=TODAY + timedelta(days=horizon))
    expired = make_expert(family_name="HeatExpired")
    add_training(expired, "PDT", TODAY - timedelta(days=100))
    add_training(expired, "HEAT", TODAY - timedelta(days=1200), expires_on=TODAY - timedelta(days=1))
    make_expert(family_name="NoTraining")
    assert names(client, "training=valid") == {"AllValid"}
    assert names(client, "training=expiring") == {"HeatExpiring"}
    assert names(client, "training=expired") == {"HeatExpired", "NoTraining"}


def test_sorting_and_paging_keep_the_filters(client, coordinator, make_expert, app):
    app.config["EXPERTS_PER_PAGE"] = 2
    try:
        for n, years in enumerate((3, 9, 6)):
            make_expert(family_name=f"Expert{n}", experience_years=years, languages="ru:C1")
        html = client.get("/experts/?language=ru&sort=-experience").get_data(as_text=True)
        assert html.index("Expert1,") < html.index("Expert2,")
        assert "Expert0," not in html  # on page 2
        assert "page=2" in html and "language=ru" in html.split("page=2")[0].rsplit("href=", 1)[1]
        page2 = client.get("/experts/?language=ru&sort=-experience&page=2").get_data(as_text=True)
        assert "Expert0," in page2
    finally:
        app.config["EXPERTS_PER_PAGE"] = 50


def test_bad_filter_values_are_reported_not_fatal(client, coordinator, make_expert):
    make_expert(family_name="Visible")
    for query in ("available_on=2026-02-30", "min_level=Z9", "clearance=ULTRA", "institution=NOPE", "page=abc",
                  "sort=drop+table", "training=soon", "q=" + "x" * 500):
        response = client.get("/experts/?" + query)
        assert response.status_code == 200, query
    html = client.get("/experts/?available_on=2026-02-30").get_data(as_text=True)
    assert "Some filters were not applied" in html and "Visible," in html


def test_one_query_per_page_whatever_the_number_of_rows(client, coordinator, make_expert, count_queries):
    make_expert(family_name="First")

    def count() -> int:
        with count_queries() as statements:
            assert client.get("/experts/?training=expired").status_code == 200
        return len(statements)

    few = count()
    for n in range(15):
        make_expert(family_name=f"More{n}", languages="en:B2;de:B1")
    assert count() == few


def test_viewers_cannot_see_personal_data(client, make_user, login, make_expert):
    login(make_user(Role.VIEWER, "MFA"))
    make_expert()
    assert client.get("/experts/").status_code == 403
