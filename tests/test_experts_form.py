"""The expert form as a person fills it in: no sex chosen for them, as many languages as needed without JavaScript,
expertise areas as checkboxes, and a refusal shown at its field with everything typed kept."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.models import Expert, Role
from tests.test_experts_edit import form

FUTURE = (today_in_warsaw() + timedelta(days=500)).isoformat()


@pytest.fixture
def hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def count_experts(db) -> int:
    return db.session.scalar(select(func.count(Expert.id)))


def select_html(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert match, f"no select {name}"
    return match.group(1)


def summary(page: str) -> str:
    match = re.search(r'id="error-summary".*?</ul>', page, flags=re.S)
    return match.group(0) if match else ""


def test_sex_is_not_chosen_for_the_user_and_is_required(client, hr, institutions, db):
    page = client.get("/experts/new").get_data(as_text=True)
    options = select_html(page, "sex")
    assert re.match(r'\s*<option (selected )?value="">', options), options  # an empty first option
    assert not re.search(r'selected value="[FMX]"', options)
    response = client.post_form("/experts/new", form(institutions, sex=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count_experts(db) == 0
    assert "Choose the sex of the expert." in summary(page) and 'href="#sex"' in summary(page)
    assert 'value="Anna"' in page and 'value="P-1"' in page  # the other input is kept
    assert not re.search(r'selected value="[FMX]"', select_html(page, "sex"))


def test_another_language_row_is_added_without_saving(client, hr, institutions, db):
    data = form(institutions, **{"languages-2-code": "", "languages-2-level": ""})
    # Something unreadable elsewhere: adding a row does not validate, so no error is shown yet.
    data["date_of_birth"] = "2026-02-30"
    response = client.post_form("/experts/new", {**data, "add_language": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count_experts(db) == 0
    assert "There is a problem" not in page
    assert 'name="languages-3-code"' in page and 'name="languages-4-code"' not in page
    assert 'selected value="ru"' in select_html(page, "languages-1-code")
    assert 'value="Anna"' in page and 'value="2026-02-30"' in page
    assert 'name="add_language"' in page


def test_a_third_language_is_saved_and_empty_rows_ignored(client, hr, institutions, db):
    data = form(institutions, **{"languages-2-code": "fr", "languages-2-level": "A2",
                                 "languages-3-code": "", "languages-3-level": ""})
    response = client.post_form("/experts/new", data)
    assert response.status_code == 302, summary(response.get_data(as_text=True))
    expert = db.session.scalars(select(Expert)).one()
    assert sorted(lang.code for lang in expert.languages) == ["en", "fr", "ru"]
    # Editing: the stored three, a blank row, and one more on request.
    page = client.post_form(f"/experts/{expert.id}/edit", {
        **form(institutions, version=str(expert.version), **{
            "languages-2-code": "fr", "languages-2-level": "A2", "languages-3-code": "", "languages-3-level": ""}),
        "add_language": "1"}).get_data(as_text=True)
    assert 'name="languages-4-code"' in page
    db.session.refresh(expert)
    assert len(expert.languages) == 3


def test_expertise_areas_are_checkboxes_in_a_fieldset(client, hr, institutions, db):
    page = client.get("/experts/new").get_data(as_text=True)
    assert not re.search(r'<select[^>]*name="other_expertise"', page)
    group = re.search(r'<fieldset[^>]*id="other_expertise".*?</fieldset>', page, flags=re.S)
    assert group, "no fieldset for the other expertise areas"
    group = group.group(0)
    assert '<legend class="usa-legend">Other expertise areas</legend>' in group
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', group)
    assert len(boxes) > 3 and all('class="usa-checkbox__input"' in box for box in boxes)
    assert all('name="other_expertise"' in box for box in boxes)
    first_id = re.search(r'id="([^"]+)"', boxes[0]).group(1)
    assert f'<label class="usa-checkbox__label" for="{first_id}">' in group
    assert "Ctrl" not in page
    data = form(institutions)
    data["other_expertise"] = ["monitoring", "rule_of_law"]
    assert client.post_form("/experts/new", data).status_code == 302
    expert = db.session.scalars(select(Expert)).one()
    assert sorted(a.code for a in expert.secondary_expertise) == ["monitoring", "rule_of_law"]
    page = client.get(f"/experts/{expert.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="monitoring"|<input[^>]*value="monitoring"[^>]*checked', page)


def test_an_area_without_a_primary_one_is_shown_at_the_checkboxes(client, hr, institutions, db):
    page = client.post_form("/experts/new", form(institutions, primary_expertise="")).get_data(as_text=True)
    assert count_experts(db) == 0
    assert 'href="#other_expertise"' in summary(page) and "Choose the primary area first." in summary(page)
