"""The one form pattern, for every POST form of the route table (tests/routes/).

A form sent empty, or with one bad field, answers with the form again (200, never a redirect with a flash): the
error summary at the top (id="error-summary", linking to the fields), the message at the field
(`<field-id>-error`), the other fields' input kept, and nothing saved.

Each POST endpoint of the table is either in SPECS (which field to spoil, and how) or in EXEMPT (a button without
an input field, with the reason); the first test fails when a new POST route is in neither.
"""
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from seconding.models import Role
from tests.routes import ROUTES
from tests.test_routes import _url, snapshot

LONG = "x" * 5001  # longer than any text field allows


@dataclass(frozen=True)
class Spec:
    """How to send an endpoint's form wrong.

    bad: the one field to spoil and its bad value (added to, or replacing, the table's valid data);
    empty: what an empty form sends besides the CSRF token (a function of ctx or a dict); None: what a browser
    sends for the table's form left empty: its hidden fields (version, action, …) as they are, every other field
    empty, boxes unticked, no file;
    data: valid data to spoil instead of the table's (a function of ctx), when the table posts another form of
    the page;
    not_kept: posted fields that are not expected back with their value (files, passwords are skipped anyway)."""

    bad: dict
    empty: object = None
    data: object = None
    not_kept: frozenset = field(default_factory=frozenset)


def _bad_file(name: str) -> dict:
    return {"file": (io.BytesIO(b"not a table"), name)}


SPECS: dict[str, Spec] = {
    # auth: the account page has two forms; the password form is the one with text inputs to leave empty.
    "auth.account": Spec(bad={"pref-locale": "xx"}, empty={"pw-submit": "1"}),
    "auth.create_token": Spec(bad={"token-name": "x" * 101}, data={"token-name": "Route table", "token-expires": "30"}),
    "second_factor.setup": Spec(bad={"code": "1" * 41}),
    # admin
    "admin.new_user": Spec(bad={"email": "not-an-address"}),
    "notifications.preferences": Spec(bad={"deadline": "sometimes"}, data=lambda ctx: {  # an admin's kinds
        kind: "daily" for kind in ("nomination_submitted", "nomination_eeas", "deadline", "tour_ending", "nip_due")}),
    "admin.edit_user": Spec(bad={"role": "wizard"}),
    # password reset by e-mail
    "password.forgot": Spec(bad={"email": "not-an-address"}),
    "password.reset": Spec(bad={"password": "short"}),
    # missions
    "missions.new_mission": Spec(bad={"acronym": "A" * 41}),
    "missions.edit_mission": Spec(bad={"mandate_end": "2030-02-30"}),
    "missions.new_cfc": Spec(bad={"eeas_date": "2030-02-30"}),
    "missions.edit_cfc": Spec(bad={"kind": "weird"}),
    "missions.new_position": Spec(bad={"posts": "0"}),
    "missions.edit_position": Spec(bad={"languages_essential": "xx:Z9"}),
    "missions.import_positions": Spec(bad=_bad_file("annex.exe")),
    # pool and training
    "experts.new": Spec(bad={"sex": "Q"}),
    "experts.edit": Spec(bad={"experience_years": "-3"}),
    "experts.status": Spec(bad={"pool_status": "gone"}),
    "training.add_record": Spec(bad={"completed_on": "2020-02-30"}),
    "training.session": Spec(bad={"completed_on": "2021-02-30"}),
    "training.course_form": Spec(bad={"validity_months": "-1"}),
    # register
    "register.upload": Spec(bad=_bad_file("register.exe"),
                            data=lambda ctx: {"institution": "POLICE"}),
    # nip
    "nip.new_action": Spec(bad={"due_on": "2030-02-30"}),
    "nip.edit_action": Spec(bad={"title": LONG}),
    "nip.add_progress": Spec(bad={"progress": "101"}),
    "nip.edit_commitment": Spec(bad={"source": ""}),
    "nip.import_commitments": Spec(bad=_bad_file("commitments.exe")),
    "nip.edit_targets": Spec(bad={"women_percent": "140"}),
    # nominations and deployments
    "nominations.bulk": Spec(bad={"forwarded_on": "2026-02-30"}, empty={}),
    "nominations.act_on": Spec(bad={"withdraw-comment": LONG}),
    "nominations.new": Spec(bad={"consent_on": "2026-02-30"}),
    "nominations.consent": Spec(bad={"consent_on": "2026-02-30"}),
    "nominations.motivation": Spec(bad={"motivation-motivation": LONG}, empty={}),  # an empty text is allowed
    "deployments.advance": Spec(bad={"advance-on": "2029-02-30"}),
    "deployments.extend": Spec(bad={"extend-new_end": "2031-02-30"}),
    "deployments.complete": Spec(bad={"complete-on": "2030-02-30"}),
    "deployments.curtail": Spec(bad={"curtail-reason": LONG}),
    "deployments.new": Spec(bad={"end": "2015-02-30"}),
    # the expert's personal link: the HR officer's side, and the expert's forms under the link
    "expert_link.link": Spec(bad={"locale": "xx"}),
    "expert_link.reject": Spec(bad={"note": LONG}),
    "me.confirm": Spec(bad={"confirm": ""}),
    "me.correct": Spec(bad={"email": "not-an-address"}),
    "me.answer": Spec(bad={"answer": "maybe"}),
    "me.withdraw": Spec(bad={"confirm": ""}),
    "me.motivation": Spec(bad={"motivation": LONG}, empty={}),  # an empty text is allowed
    # after the tour
    "debrief.debrief": Spec(bad={"held_on": "2025-02-30"}),
    "debrief.appraisal": Spec(bad={"received_on": "2025-02-30"}),
    # duty of care; an empty checklist is a valid one (nothing done yet): sent without its version, it is refused as
    # opened at another version
    "care.new_contact": Spec(bad={"email": "not-an-address"}),
    "care.edit_contact": Spec(bad={"phone": "1" * 51}),
    "care.new_location": Spec(bad={"risk_level": "extreme"}),
    "care.edit_location": Spec(bad={"contact_email": "nobody"}),
    "care.checklist": Spec(bad={"medical_on": "2026-02-30"}, empty={}),
    "care.new_incident": Spec(bad={"kind": "weird"}),
    "care.edit_incident": Spec(bad={"occurred_on": "2026-02-30"}),
}

# Valid forms that a service (or the view's own check against the data) refuses: endpoint -> (the change to the
# table's valid data, the field the message belongs at). The answer is the same form pattern, nothing saved.
REFUSALS: dict[str, tuple[object, str]] = {
    "admin.new_user": (lambda ctx: {"email": ctx["target"].email}, "email"),  # the e-mail is taken
    "admin.edit_user": (lambda ctx: {"email": "packages.admin@example.org"}, "email"),
    "password.reset": ({"password": "password1234", "confirm": "password1234"}, "password"),  # a common one
    "missions.new_mission": ({"acronym": "EUMM Georgia"}, "acronym"),  # exists already
    "missions.edit_mission": ({"acronym": "EUFOR Test"}, "acronym"),  # military operations are out of scope
    "missions.new_cfc": ({"national_date": "2030-04-02"}, "national_date"),  # after the EEAS deadline
    "missions.edit_cfc": ({"reference": "EUMM Georgia 1-2030", "national_date": "2030-04-02"}, "national_date"),
    "missions.new_position": ({"reference": "GEO ZM 99"}, "reference"),  # the CfC has it already
    "missions.edit_position": ({"languages_essential": "en:B2; en:C1"}, "languages_essential"),  # twice
    "training.add_record": ({"expires_on": "2019-12-31"}, "expires_on"),  # before the completion
    "training.session": ({"participants": "P-ROUTE NOBODY-1"}, "participants"),
    "training.course_form": ({"code": "PDT"}, "code"),  # exists already
    "debrief.debrief": ({"held_by_name": ""}, "held_by_name"),  # nobody held it
    "debrief.appraisal": ({"received_on": ""}, "received_on"),  # an assessment without the day it came
    "care.new_contact": ({"phone": "", "email": ""}, "phone"),  # nobody could reach the contact
    "care.new_location": ({"name": "gori"}, "name"),  # the mission has it already
    "care.checklist": (lambda ctx: {"insurance_on": _tomorrow()}, "insurance_on"),  # a date in the future
}

# POST endpoints that are a button, without any field a person fills in: nothing to show at a field.
EXEMPT: dict[str, str] = {
    "auth.sign_out": "a button: signs out",
    "auth.language": "a button per language in the header (the page to return to is hidden)",
    "auth.revoke_token": "a button per token (the token id is hidden)",
    "api_tokens.revoke": "a button per token on the admin's list of tokens (the token id is hidden)",
    "auth.create_calendar_token": "a button: makes (or replaces) the calendar link (its one-time mark is hidden)",
    "auth.revoke_calendar_token": "a button: revokes the calendar link",
    "second_factor.sign_in_code": "the code after the password needs a pending sign-in (no session of the table has "
                                  "one): tests/test_second_factor.py checks its form pattern",
    "second_factor.turn_off": "needs a second factor switched on (no user of the table has one): "
                              "tests/test_second_factor.py checks its form pattern",
    "second_factor.admin_reset": "a button: removes a user's second factor",
    "password.send_link": "a button on the admin's user page: e-mails the user a link to set a new password",
    "missions.confirm_import": "a button confirming the checked annex (the check job's key is hidden)",
    "training.delete_record": "a button deleting a training record",
    "profiles.confirm": "a button confirming the profile as current (the version is hidden)",
    "register.confirm": "a button confirming the checked register file (the upload token is hidden)",
    "register.anonymise": "a button erasing the personal data, after a page explaining it",
    "register.start_export": "a button starting the register export's job (the format and the list's filters are "
                             "hidden)",
    "register.expert_export": "a button starting the export of all data held on the expert (a job)",
    "training.start_matrix_csv": "a button starting the training matrix CSV's job (the list's filters are hidden)",
    "packages.start_batch": "a button starting the job that builds the batch's ZIP (the nominations are hidden)",
    "jobs.cancel_job": "a button cancelling a job still checking (the job page says when it is too late)",
    "nominations.from_plan": "a button under the staffing plan (its as-of date is hidden)",
    "expert_link.revoke": "a button on the personal link's page: the expert's link stops working",
    "expert_link.accept": "a button under the side-by-side view: applies the expert's proposed correction",
    "care.delete_contact": "a button on the contact's page: deletes the emergency contact",
}

# Areas whose forms are being brought to the pattern elsewhere: expected to fail until then.
OWNED_ELSEWHERE: set[str] = set()

HIDDEN_NAMES = ("version", "action", "submit", "once")


def _tomorrow() -> str:
    from datetime import timedelta

    from seconding.dates import today_in_warsaw

    return (today_in_warsaw() + timedelta(days=1)).isoformat()


def _post_endpoints() -> list[str]:
    return [endpoint for endpoint, (methods, *_rest) in ROUTES.items() if "POST" in methods]


def test_every_post_form_is_checked_or_exempt():
    endpoints = set(_post_endpoints())
    assert not set(SPECS) & set(EXEMPT), "an endpoint is either checked or exempt"
    assert endpoints == set(SPECS) | set(EXEMPT), (
        "add the new POST route to SPECS (the field to spoil) or to EXEMPT (with the reason)")


def _cases():
    for endpoint in sorted(SPECS):
        marks = [pytest.mark.xfail(reason="owned elsewhere, being fixed", strict=False)] \
            if endpoint in OWNED_ELSEWHERE else []
        yield pytest.param(endpoint, marks=marks, id=endpoint)


# --- reading the answer -------------------------------------------------------------------------------------

class _Controls(HTMLParser):
    """The form controls of a page: name -> the values it would send (text, chosen options, ticked boxes), and
    the types of inputs by name; and the ids of the error messages and of the summary's links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self.types: dict[str, str] = {}
        self.error_ids: set[str] = set()
        self.summary_links: list[str] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_summary = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if "usa-error-message" in (a.get("class") or "").split() and a.get("id"):
            self.error_ids.add(a["id"])
        if a.get("id") == "error-summary":
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a" and a.get("href", "").startswith("#"):
            self.summary_links.append(a["href"][1:])
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self.types[name] = kind
            self.values.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name].append(a.get("value", "on"))
            else:
                self.values[name].append(a.get("value") or "")
        elif tag == "button" and name:
            self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A newline right after <textarea> is not part of the value (WTForms writes one; browsers drop it).
            text = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def _read(html: str) -> _Controls:
    page = _Controls()
    page.feed(html)
    return page


def _valid_data(spec: Spec, endpoint: str, ctx: dict) -> dict:
    data = spec.data if spec.data is not None else ROUTES[endpoint][3]
    return dict(data(ctx) if callable(data) else data or {})


def _empty_data(spec: Spec, endpoint: str, ctx: dict) -> dict:
    if spec.empty is not None:
        return dict(spec.empty(ctx) if callable(spec.empty) else spec.empty)
    empty = {}
    for name, value in _valid_data(spec, endpoint, ctx).items():
        if name.rsplit("-", 1)[-1] in HIDDEN_NAMES:
            empty[name] = value
        elif not isinstance(value, tuple) and value != "y":  # no file chosen, no box ticked
            empty[name] = ""
    return empty


@pytest.fixture
def admin(make_user, login):
    """An administrator (every role set of the table includes administrators; their scope is everything)."""
    return login(make_user(Role.ADMIN, "MFA"))


def _post(app, client, endpoint, ctx, data):
    args = ROUTES[endpoint][2]
    url = _url(app, endpoint, args(ctx) if args else None)
    before = snapshot()
    response = client.post_form(url, data)
    assert response.status_code == 200, (
        f"{endpoint} answered {response.status_code} {response.headers.get('Location', '')}: "
        "a refused form is shown again with its errors, not redirected")
    assert snapshot() == before, "a refused form saves nothing"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", list(_cases()))
def test_an_empty_form_shows_the_errors(app, client, ctx, admin, endpoint):
    spec = SPECS[endpoint]
    html = _post(app, client, endpoint, ctx, _empty_data(spec, endpoint, ctx))
    page = _read(html)
    assert 'id="error-summary"' in html, "the error summary is at the top"
    assert page.error_ids, "a message is at a field"
    assert page.summary_links, "the summary links to the fields"
    for target in page.summary_links:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"


@pytest.mark.parametrize("endpoint", list(_cases()))
def test_one_bad_field_is_shown_at_the_field_and_the_rest_is_kept(app, client, ctx, admin, endpoint):
    spec = SPECS[endpoint]
    data = {**_valid_data(spec, endpoint, ctx), **spec.bad}
    (bad_name,) = spec.bad
    html = _post(app, client, endpoint, ctx, data)
    page = _read(html)
    assert 'id="error-summary"' in html, "the error summary is at the top"
    assert f"{bad_name}-error" in page.error_ids, f"the message is at the field {bad_name}"
    assert bad_name in page.summary_links, f"the summary links to {bad_name}"
    _assert_kept(page, data, spec, skip=(bad_name,))


def _assert_kept(page: _Controls, data: dict, spec: Spec, skip: tuple) -> None:
    """Every field sent is on the page again with the value sent (files and passwords are never sent back)."""
    for name, value in data.items():
        if name in (*skip, "csrf_token") or name in spec.not_kept or isinstance(value, tuple):
            continue
        if page.types.get(name) in ("password", "file"):
            continue
        assert name in page.values, f"the field {name} is on the page again"
        posted = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if page.types.get(name) == "checkbox" and posted == ["y"]:
            assert page.values[name], f"the box {name} is still ticked"
            continue
        for one in posted:
            assert one in page.values[name], f"{name}: {one!r} was sent, the page shows {page.values[name]!r}"


@pytest.mark.parametrize("endpoint", sorted(REFUSALS))
def test_a_refusal_is_shown_at_its_field_and_the_input_is_kept(app, client, ctx, admin, endpoint):
    change, field_name = REFUSALS[endpoint]
    data = {**_valid_data(SPECS[endpoint], endpoint, ctx), **(change(ctx) if callable(change) else change)}
    html = _post(app, client, endpoint, ctx, data)
    page = _read(html)
    assert 'id="error-summary"' in html, "the error summary is at the top"
    assert f"{field_name}-error" in page.error_ids, f"the message is at the field {field_name}"
    _assert_kept(page, data, SPECS[endpoint], skip=())
