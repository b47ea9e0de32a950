"""/experts: the list with the list page's filters, detail, create and update through the expert form's own
validation and optimistic locking, and the open positions an expert fits."""
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from seconding.access import institutions_in_scope
from seconding.api.base import (
    ApiError,
    audit_read,
    audit_write,
    bool_arg,
    bp,
    date_arg,
    json_body,
    page_args,
    page_json,
    query_args,
    require_personal,
)
from seconding.api.serializers import expert_detail, expert_summary
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal, StaleEdit
from seconding.experts import profile
from seconding.experts.forms import ExpertForm
from seconding.experts.queries import expert_rows, list_rows
from seconding.experts.services import ExpertData, create_expert, update_expert
from seconding.experts.views import _prepare as prepare_expert_form  # the form's choices, as on the page
from seconding.experts.views import filter_form, get_expert
from seconding.extensions import db
from seconding.matches import results
from seconding.models import Expert

# Form field -> the API's field name, where they differ.
FIELD_NAMES = {"institution_id": "institution", "primary_expertise": "expertise", "other_expertise": "expertise"}


@bp.get("/experts")
def list_experts():
    """The experts in scope, filtered, sorted and paged as on the list page."""
    require_personal()
    args = query_args()
    form, filters = filter_form()
    # The parameters are as the document describes them (query_args); what is left are the filters' choices
    # (institutions in scope, known codes): the data's rules, not the document's.
    problems = {name: " ".join(map(str, field.errors)) for name, field in form._fields.items() if field.errors}
    if problems:
        raise ApiError(422, code="refused", fields=problems)
    page, per_page = page_args(args, current_app.config["EXPERTS_PER_PAGE"])
    today, horizon = today_in_warsaw(), current_app.config["TRAINING_EXPIRING_DAYS"]
    rows_query, count_query = expert_rows(current_user, filters, today, horizon)
    total = db.session.scalar(count_query)
    rows = db.session.execute(rows_query.limit(per_page).offset((page - 1) * per_page)).all()
    audit_read(request.path)
    return page_json([expert_summary(row) for row in list_rows(rows, today, horizon)], page, per_page, total)


@bp.get("/experts/<int:expert_id>", endpoint="get_expert")
def get_expert_json(expert_id: int):
    """One expert in scope, with everything the form holds."""
    require_personal()
    query_args()
    expert = get_expert(expert_id)
    audit_read(request.path, expert.institution_id)
    return expert_detail(expert)


def _formdata(body: dict) -> MultiDict:
    """The JSON body as the expert form would receive it from the page."""
    code = body["institution"].strip().upper()
    institution = next((i for i in institutions_in_scope(current_user) if i.code == code), None)
    if institution is None:
        raise ApiError(422, code="refused", fields={"institution": _("Not an institution in your scope.")})
    data = MultiDict({"institution_id": str(institution.id), "experience_years": str(body["experience_years"])})
    for name in ("external_id", "given_name", "family_name", "sex", "email", "phone", "rank", "notes",
                 "date_of_birth", "clearance_expires", "passport_expires", "available_from", "consent_on"):
        data[name] = body.get(name) or ""
    data["clearance_level"] = body.get("clearance_level", "NONE")
    data["driving_licence"] = body.get("driving_licence", "NONE")
    data["pool_status"] = body.get("pool_status", "active")
    if body.get("short_notice"):
        data["short_notice"] = "y"
    expertise = body.get("expertise") or []
    data["primary_expertise"] = expertise[0] if expertise else ""
    for code in expertise[1:]:
        data.add("other_expertise", code)
    for i, lang in enumerate(body.get("languages") or []):
        data[f"languages-{i}-code"], data[f"languages-{i}-level"] = lang["code"], lang["level"]
        for skill, level in (lang.get("skills") or {}).items():
            data[f"languages-{i}-{skill}"] = level or ""
    for i, study in enumerate(body.get("education") or []):
        for key in ("level", "field", "organisation", "country", "start", "end", "degree"):
            data[f"education-{i}-{key}"] = study.get(key) or ""
    for i, post in enumerate(body.get("employment") or []):
        for key in ("employer", "position", "start", "end", "duties"):
            data[f"employment-{i}-{key}"] = post.get(key) or ""
    data["computer_skills"] = body.get("computer_skills") or ""
    for i, period in enumerate(body.get("unavailability") or []):
        for key in ("start", "end", "reason"):
            data[f"unavailability-{i}-{key}"] = period.get(key) or ""
    for i, entry in enumerate(body.get("history") or []):
        for key in ("mission", "host_country", "role", "start", "end"):
            data[f"history-{i}-{key}"] = entry.get(key) or ""
        if entry.get("csdp", True):
            data[f"history-{i}-csdp"] = "y"
    return data


def _form_problems(form: ExpertForm) -> dict[str, str]:
    """The form's errors, named as the API's fields (languages[1].level)."""
    problems: dict[str, str] = {}
    for name, field in form._fields.items():
        if field.type == "FieldList":
            for i, entry in enumerate(field.entries):
                for sub in entry.form:
                    if sub.errors:
                        problems[f"{name}[{i}].{sub.short_name}"] = " ".join(map(str, sub.errors))
            own = [str(e) for e in field.errors if not isinstance(e, dict)]
            if own:
                problems[name] = " ".join(own)
        elif field.errors:
            problems.setdefault(FIELD_NAMES.get(name, name), " ".join(map(str, field.errors)))
    if form.form_errors:
        problems["body"] = " ".join(map(str, form.form_errors))
    return problems


def _validated(body: dict, expert: Expert | None = None) -> ExpertData:
    """The body as ExpertData, through the expert form. What a PUT leaves out of the CV stays as it is: the lists,
    the computer skills, and the five-skill assessment when no language carries one."""
    form = ExpertForm(formdata=_formdata(body), meta={"csrf": False})
    prepare_expert_form(form)
    if not form.validate():
        raise ApiError(422, code="refused", fields=_form_problems(form))
    data = profile.form_to_data(form)
    for name in ("education", "employment"):
        if name not in body:
            setattr(data, name, None)
    if not any("skills" in lang for lang in body.get("languages") or []):
        data.language_skills = None
    if "computer_skills" not in body and expert is not None:
        data.computer_skills = expert.computer_skills
    return data


def _refused(exc: Refusal) -> ApiError:
    if isinstance(exc, StaleEdit):
        return ApiError(409, str(exc), code="stale_version")
    return ApiError(422, str(exc), code="refused",
                    fields={FIELD_NAMES.get(exc.field, exc.field or "body"): str(exc)})


@bp.post("/experts", endpoint="create_expert")
def create_expert_json():
    """Create an expert through the expert form's validation."""
    require_personal()
    query_args()
    data = _validated(json_body("ExpertInput"))
    try:
        expert = create_expert(data)
    except Refusal as exc:
        raise _refused(exc) from exc
    audit_write(f"/api/v1/experts/{expert.id}", expert.institution_id)
    return expert_detail(expert), 201, {"Location": url_for("api.get_expert", expert_id=expert.id)}


@bp.put("/experts/<int:expert_id>", endpoint="update_expert")
def update_expert_json(expert_id: int):
    """Replace an expert's data, if `version` is still the current one."""
    require_personal()
    query_args()
    expert = get_expert(expert_id)
    body = json_body("ExpertUpdate")
    data = _validated(body, expert)
    try:
        update_expert(expert, data, version=body["version"])
    except Refusal as exc:
        raise _refused(exc) from exc
    audit_write(request.path, expert.institution_id)
    return expert_detail(expert)


@bp.get("/experts/<int:expert_id>/matches")
def expert_matches(expert_id: int):
    """Open positions for one expert in scope (SPEC §6 JSON)."""
    require_personal()
    args = query_args()
    expert = get_expert(expert_id)
    as_of = date_arg(args, "as_of") or today_in_warsaw()
    match = results.match_expert(expert, as_of=as_of, include_ineligible=bool_arg(args, "all"))
    audit_read(request.path, expert.institution_id)
    return results.expert_match_json(match)

