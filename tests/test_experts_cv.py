"""The CV on the expert form (issue 27): education and employment rows, as many as needed without JavaScript,
computer skills and the five-skill language self-assessment; kept, shown, audited and refused with every error
at once."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from seconding.models import AuditEvent, CefrLevel, Education, EducationLevel, Employment, Expert, Role
from tests.test_experts_edit import form

CV = {
    "languages-0-listening": "C2", "languages-0-writing": "B2",
    "education-0-level": "master", "education-0-field": "Law", "education-0-organisation": "Uniwersytet Warszawski",
    "education-0-country": "Poland", "education-0-start": "2003-10-01", "education-0-end": "2008-06-30",
    "education-0-degree": "magister prawa",
    "education-1-level": "post_secondary", "education-1-organisation": "Szkoła Policji w Katowicach",
    "education-1-start": "2009-09-01", "education-1-end": "2010-06-30",
    "employment-0-employer": "Komenda Główna Policji", "employment-0-position": "Naczelnik wydziału",
    "employment-0-start": "2016-02-01", "employment-0-end": "",
    "employment-0-duties": "Kieruje wydziałem współpracy międzynarodowej.\nNadzoruje 14 funkcjonariuszy.",
    "employment-1-employer": "KWP w Krakowie", "employment-1-position": "Dzielnicowy",
    "employment-1-start": "2010-07-01", "employment-1-end": "2016-01-31",
    "computer_skills": "MS Office, i2 Analyst's Notebook",
}


@pytest.fixture
def hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def summary(page: str) -> str:
    match = re.search(r'id="error-summary".*?</ul>', page, flags=re.S)
    return match.group(0) if match else ""


def test_the_cv_goes_in_through_the_form_shows_and_comes_back_unchanged(client, hr, institutions, db):
    response = client.post_form("/experts/new", form(institutions, **CV))
    assert response.status_code == 302, summary(response.get_data(as_text=True))
    expert = db.session.scalar(select(Expert).where(Expert.external_id == "P-1"))
    # Most recent first, whatever order they were typed in.
    assert [(e.level, e.organisation, e.start, e.end, e.degree) for e in expert.education] == [
        (EducationLevel.POST_SECONDARY, "Szkoła Policji w Katowicach", date(2009, 9, 1), date(2010, 6, 30), ""),
        (EducationLevel.MASTER, "Uniwersytet Warszawski", date(2003, 10, 1), date(2008, 6, 30), "magister prawa")]
    assert [(p.position, p.end) for p in expert.employment] == [("Naczelnik wydziału", None),
                                                                ("Dzielnicowy", date(2016, 1, 31))]
    assert expert.employment[0].duties.endswith("Nadzoruje 14 funkcjonariuszy.")
    assert expert.computer_skills == "MS Office, i2 Analyst's Notebook"
    english = next(lang for lang in expert.languages if lang.code == "en")
    assert english.skills() == (CefrLevel.C2, CefrLevel.C1, CefrLevel.C1, CefrLevel.C1, CefrLevel.B2)
    assert english.own_skills() == (CefrLevel.C2, None, None, None, CefrLevel.B2)

    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    for text in ("Uniwersytet Warszawski", "Master's degree or equivalent", "magister prawa",
                 "Naczelnik wydziału", "KWP w Krakowie", "i2 Analyst&#39;s Notebook", "listening C2"):
        assert text in page, text
    assert "master</" not in page and "post_secondary" not in page  # labels, not codes

    # The edit form holds it all, with a blank row to add one more; sent back as it is, nothing changes.
    edit = client.get(f"/experts/{expert.id}/edit").get_data(as_text=True)
    assert 'value="Szkoła Policji w Katowicach"' in edit and 'name="education-2-organisation"' in edit
    assert 'name="employment-2-employer"' in edit and 'name="education-3-organisation"' not in edit
    fields = dict(re.findall(r'<(?:input|textarea)[^>]*name="([^"]+)"[^>]*?(?:value="([^"]*)")?', edit))
    data = form(institutions, version=str(expert.version), **CV)
    data.update({k: v for k, v in fields.items() if k.startswith(("education-", "employment-")) and v})
    response = client.post_form(f"/experts/{expert.id}/edit", data)
    assert response.status_code == 302
    assert "Nothing was changed." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_changed_cv_is_kept_in_the_records_history(client, hr, institutions, db, make_expert):
    client.post_form("/experts/new", form(institutions, **CV))
    expert = db.session.scalar(select(Expert).where(Expert.external_id == "P-1"))
    changed = {**CV, "education-1-level": "", "education-1-organisation": "", "education-1-start": "",
               "education-1-end": "", "employment-1-duties": "Patrole i praca z mieszkańcami."}
    response = client.post_form(f"/experts/{expert.id}/edit",
                                form(institutions, version=str(expert.version), **changed))
    assert response.status_code == 302
    db.session.expire_all()
    assert [e.organisation for e in expert.education] == ["Uniwersytet Warszawski"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "expert_updated"))
    assert event.summary == "changed: education, employment"
    assert "changed: education, employment" in client.get(f"/experts/{expert.id}").get_data(as_text=True)


def test_every_problem_of_the_cv_rows_is_shown_at_once_and_nothing_is_saved(client, hr, institutions, db):
    bad = {**CV, "education-0-organisation": "", "education-1-start": "2010-02-30",
           "employment-0-employer": "", "employment-1-end": "2009-01-01", "languages-0-writing": "Z9"}
    response = client.post_form("/experts/new", form(institutions, **bad))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(select(func.count(Expert.id))) == 0
    errors = summary(page)
    for anchor, message in (("education-0-organisation", "Name the school, university or academy."),
                            ("education-1-start", "Not a valid date value."),
                            ("employment-0-employer", "Name the employer."),
                            ("employment-1-end", "The post must end on or after its start."),
                            ("languages-0-writing", "Not a valid choice.")):
        assert f'href="#{anchor}"' in errors, anchor
        assert message in page, message
    assert 'value="Naczelnik wydziału"' in page and 'value="2010-02-30"' in page  # the input is kept
    assert db.session.scalar(select(func.count(Education.id))) == 0
    assert db.session.scalar(select(func.count(Employment.id))) == 0


def test_more_rows_are_added_without_saving(client, hr, institutions, db):
    response = client.post_form("/experts/new", {**form(institutions, **CV), "add_education": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(select(func.count(Expert.id))) == 0
    assert 'name="education-2-organisation"' in page and 'value="Uniwersytet Warszawski"' in page
    response = client.post_form("/experts/new", {**form(institutions, **CV), "add_employment": "1"})
    assert 'name="employment-2-employer"' in response.get_data(as_text=True)
