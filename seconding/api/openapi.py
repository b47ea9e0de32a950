"""The OpenAPI 3.1 document of /api/v1, built here and only here: the views check query strings and bodies against
it (seconding/api/schema.py) and the tests check every response against it."""
from functools import lru_cache

from seconding.db import MAX_ID
from seconding.experts.queries import SORTS
from seconding.models import SKILLS, CefrLevel, ClearanceLevel, DrivingLicence, EducationLevel, PoolStatus, Sex
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.missions import CfcKind, CfcStatus, PositionCategory, Regime
from seconding.models.nip import NipStatus
from seconding.nip.compliance import FLAGS
from seconding.nip.figures import LINKABLE_FIGURES
from seconding.nominations.workflow import TRANSITIONS

DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
# A date the app deals with (seconding.dates.in_range): other years are typing mistakes, and are refused.
DAY = {"type": "string", "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", "format": "date",
       "description": "YYYY-MM-DD, from 2000 to 2099"}
BIRTH_DATE = {"type": "string", "pattern": r"^(19[3-9][0-9]|20[0-9]{2})-[0-9]{2}-[0-9]{2}$", "format": "date",
              "description": "YYYY-MM-DD, from 1930 to today"}
MOMENT = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NO_NUL = r"^[^\x00]*$"  # no field has a use for NUL (PostgreSQL refuses it in text): a NUL answers 400
MAX_PAGE = 1_000_000


def _null(schema: dict) -> dict:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _enum(values) -> dict:
    return {"type": "string", "enum": [getattr(v, "value", v) for v in values]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, required=None, *, closed: bool = True) -> dict:
    schema = {"type": "object", "properties": properties,
              "required": list(properties) if required is None else list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def _text(max_length: int, min_length: int = 0) -> dict:
    schema = {"type": "string", "maxLength": max_length, "pattern": NO_NUL}
    if min_length:
        schema["minLength"] = min_length
    return schema


def _page(item: str) -> dict:
    return _object({"items": {"type": "array", "items": _ref(item)}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}, "total": {"type": "integer"}, "pages": {"type": "integer"}})


LANGUAGE = _object({"code": {"type": "string", "pattern": "^[a-z]{2}$"}, "level": _enum(CefrLevel)})
# An expert's language: with the five-skill self-assessment (null where the overall level stands; when no language
# of a request carries "skills", the assessment held is kept).
EXPERT_LANGUAGE = _object({"code": {"type": "string", "pattern": "^[a-z]{2}$"}, "level": _enum(CefrLevel),
                           "skills": _object({name: _null(_enum(CefrLevel)) for name in SKILLS}, [])},
                          ["code", "level"])
FINDING = _object({"rule": {"type": "string"}, "detail": {"type": "string"}})
EXPERT_REF = _object({"id": ID, "institution": {"type": "string"}, "external_id": {"type": "string"},
                      "name": {"type": "string"}})

EXPERT_FIELDS = {
    "institution": _text(32, 1) | {"description": "institution code, in the user's scope"},
    "external_id": _text(64, 1), "given_name": _text(100, 1), "family_name": _text(100, 1), "sex": _enum(Sex),
    "date_of_birth": _null(BIRTH_DATE), "email": _null(_text(254)), "phone": _null(_text(40)),
    "rank": _null(_text(100)),
    "experience_years": {"type": "integer", "minimum": 0, "maximum": 60},
    "expertise": {"type": "array", "items": _text(40), "maxItems": 20,
                  "description": "expertise area codes, the primary one first"},
    "languages": {"type": "array", "items": _ref("ExpertLanguage"), "maxItems": 30},
    "clearance_level": _enum(ClearanceLevel), "clearance_expires": _null(DAY), "passport_expires": _null(DAY),
    "driving_licence": _enum(DrivingLicence), "available_from": _null(DAY), "short_notice": {"type": "boolean"},
    "pool_status": _enum(PoolStatus), "consent_on": _null(DAY), "notes": _text(5000),
    "unavailability": {"type": "array", "maxItems": 50, "items": _object(
        {"start": DAY, "end": DAY, "reason": _text(200)}, ["start", "end"])},
    "history": {"type": "array", "maxItems": 50, "items": _object(
        {"mission": _text(100, 1), "host_country": _text(100), "role": _text(200), "start": _null(DAY),
         "end": _null(DAY), "csdp": {"type": "boolean"}}, ["mission"])},
    # The CV (most recent first); a list left out of a PUT is kept as it is, an empty list clears it.
    "education": {"type": "array", "maxItems": 30, "items": _object(
        {"level": _enum(EducationLevel), "field": _text(200), "organisation": _text(200, 1), "country": _text(100),
         "start": BIRTH_DATE, "end": _null(BIRTH_DATE), "degree": _text(200)}, ["level", "organisation", "start"])},
    "employment": {"type": "array", "maxItems": 50, "items": _object(
        {"employer": _text(200, 1), "position": _text(200, 1), "start": BIRTH_DATE, "end": _null(BIRTH_DATE),
         "duties": _text(2000)}, ["employer", "position", "start"])},
    "computer_skills": _text(2000),
}
EXPERT_REQUIRED = ["institution", "external_id", "given_name", "family_name", "sex", "experience_years"]
# What GET returns besides the fields: accepted (and ignored) in a PUT, so a client can send back what it read.
EXPERT_READ_ONLY = {"id": ID, "created_at": MOMENT, "updated_at": MOMENT}

CFC = {"id": ID, "reference": {"type": "string"}, "mission": {"type": "string"}, "kind": _enum(CfcKind),
       "published_on": _null(DATE), "eeas_deadline": MOMENT, "national_deadline": MOMENT, "status": _enum(CfcStatus),
       "positions": {"type": "integer"}, "posts": {"type": "integer"}}

SCHEMAS = {
    "Error": _object({"error": _object({"code": {"type": "string"}, "message": {"type": "string"},
                                        "fields": {"type": "object",
                                                   "additionalProperties": {"type": "string"}}})}),
    "Language": LANGUAGE,
    "ExpertLanguage": EXPERT_LANGUAGE,
    "ExpertSummary": _object({
        "id": ID, "institution": {"type": "string"}, "external_id": {"type": "string"},
        "given_name": {"type": "string"}, "family_name": {"type": "string"}, "sex": _enum(Sex),
        "pool_status": _enum(PoolStatus), "experience_years": {"type": "integer"},
        "languages": {"type": "array", "items": _ref("Language")}, "primary_expertise": _null({"type": "string"}),
        "clearance_level": _enum(ClearanceLevel), "clearance_expires": _null(DATE), "available_from": _null(DATE),
        "training_status": _enum(["valid", "expiring", "expired", "missing"]), "updated_at": MOMENT,
        "version": {"type": "integer"}}),
    "ExpertPage": _page("ExpertSummary"),
    "Expert": _object({**EXPERT_FIELDS, **EXPERT_READ_ONLY, "version": {"type": "integer"}}),
    "ExpertInput": _object(EXPERT_FIELDS, EXPERT_REQUIRED),
    "ExpertUpdate": _object({**EXPERT_FIELDS, **EXPERT_READ_ONLY, "version": {"type": "integer", "minimum": 1,
                                                                               "maximum": MAX_ID}},
                            [*EXPERT_REQUIRED, "version"]),
    "Cfc": _object(CFC),
    "CfcList": _object({"items": {"type": "array", "items": _ref("Cfc")}}),
    "CfcDetail": _object({**CFC, "position_list": {"type": "array", "items": _ref("Position")}}),
    "Position": _object({
        "id": ID, "cfc_id": ID, "cfc_ref": {"type": "string"}, "mission": {"type": "string"},
        "reference": {"type": "string"}, "title": {"type": "string"}, "location": {"type": "string"},
        "regime": _enum(Regime), "posts": {"type": "integer"},
        "category": _enum(PositionCategory) | {
            "description": "the category of post as the Civilian CSDP Compact counts it; management, operational "
                           "and key posts are all to be seconded"},
        "available_on": _null(DATE) | {"description": "null: as soon as possible"},
        "tour_months": {"type": "integer"}, "clearance_level": _enum(ClearanceLevel),
        "min_experience_years": {"type": "integer"}, "expertise": _null({"type": "string"}),
        "driving_licence": _enum(DrivingLicence),
        "languages_essential": {"type": "array", "items": _ref("Language")},
        "languages_desirable": {"type": "array", "items": _ref("Language")},
        "courses_required": {"type": "array", "items": {"type": "string"}},
        "courses_desirable": {"type": "array", "items": {"type": "string"}}}),
    "PositionPage": _page("Position"),
    "PositionMatch": _object({
        "position": _object({"cfc_ref": {"type": "string"}, "position_ref": {"type": "string"},
                             "title": {"type": "string"}, "start": DATE, "end": DATE}),
        "as_of": DATE,
        "results": {"type": "array", "items": _object({
            "institution": {"type": "string"}, "external_id": {"type": "string"}, "name": {"type": "string"},
            "status": _enum(["eligible", "gaps", "ineligible"]), "score": {"type": "integer", "minimum": 0,
                                                                           "maximum": 100},
            "blockers": {"type": "array", "items": FINDING}, "gaps": {"type": "array", "items": FINDING}})}}),
    "ExpertMatch": _object({
        "expert": _object({"institution": {"type": "string"}, "external_id": {"type": "string"},
                           "name": {"type": "string"}}),
        "as_of": DATE,
        "results": {"type": "array", "items": _object({
            "cfc_ref": {"type": "string"}, "position_ref": {"type": "string"}, "title": {"type": "string"},
            "start": DATE, "end": DATE, "status": _enum(["eligible", "gaps", "ineligible"]),
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "blockers": {"type": "array", "items": FINDING}, "gaps": {"type": "array", "items": FINDING}})}}),
    "CfcPlan": _object({
        "cfc_ref": {"type": "string"}, "as_of": DATE, "total_score": {"type": "integer"},
        "assignments": {"type": "array", "items": _object({
            "position_ref": {"type": "string"}, "institution": {"type": "string"}, "external_id": {"type": "string"},
            "score": {"type": "integer"}})},
        "unfilled": {"type": "array", "items": _object({
            "position_ref": {"type": "string"}, "missing": {"type": "integer"}, "reason": {"type": "string"}})}}),
    "Nomination": _object({
        "id": ID, "status": _enum(NominationStatus), "expert": EXPERT_REF,
        "position": _object({"id": ID, "reference": {"type": "string"}, "cfc_ref": {"type": "string"},
                             "title": {"type": "string"}}),
        "consent_on": _null(DATE), "comment": {"type": "string"}, "motivation": {"type": "string"},
        "goalkeeper_ref": {"type": "string"},
        "forwarded_on": _null(DATE), "eeas_feedback": {"type": "string"}, "created_at": MOMENT,
        "updated_at": MOMENT, "version": {"type": "integer"},
        "allowed_actions": {"type": "array", "items": _enum(TRANSITIONS)},
        "history": {"type": "array", "items": _object({
            "from": _null(_enum(NominationStatus)), "to": _enum(NominationStatus), "actor": {"type": "string"},
            "at": MOMENT, "comment": {"type": "string"}})}},
        required=["id", "status", "expert", "position", "consent_on", "comment", "motivation", "goalkeeper_ref",
                  "forwarded_on",
                  "eeas_feedback", "created_at", "updated_at", "version", "allowed_actions"]),
    "NominationPage": _page("Nomination"),
    "NominationInput": _object({"position_id": ID, "expert_id": ID, "consent_on": _null(DAY),
                                "comment": _text(2000),
                                "motivation": _text(4000) | {"description": "why this expert for this position; "
                                                                            "needed before submitting"}},
                               ["position_id", "expert_id"]),
    "Transition": _object({
        "action": _enum(TRANSITIONS), "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "comment": _text(2000), "forwarded_on": _null(DAY), "goalkeeper_ref": _text(60),
        "feedback": _text(2000),
        "confirm_warnings": {"type": "boolean", "description": "forward even when the call's national shortlist "
                                                              "would have women or men under SHORTLIST_MIN_SHARE % "
                                                              "or all come from one institution (kept in the "
                                                              "history)"}},
        ["action", "version"]),
    "Deployment": _object({
        "id": ID, "status": _enum(DeploymentStatus), "expert": EXPERT_REF, "mission": {"type": "string"},
        "position": _null(_object({"id": ID, "reference": {"type": "string"}, "cfc_ref": {"type": "string"}})),
        "role": {"type": "string"}, "planned_start": DATE, "actual_start": _null(DATE), "end_date": DATE,
        "end_reason": {"type": "string"},
        "extensions": {"type": "array", "items": _object({"previous_end": DATE, "new_end": DATE,
                                                          "decided_on": DATE, "note": {"type": "string"}})},
        "version": {"type": "integer"}}),
    "DeploymentPage": _page("Deployment"),
    "NipAction": _object({
        "id": ID, "code": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "lead": {"type": "string"}, "partners": {"type": "array", "items": {"type": "string"}},
        "commitments": {"type": "array", "items": {"type": "string"}}, "start_on": _null(DATE), "due_on": DATE,
        "status": _enum(NipStatus), "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "indicator": _object({"text": {"type": "string"}, "unit": {"type": "string"},
                              "baseline": _null({"type": "number"}), "target": _null({"type": "number"}),
                              "current": _null({"type": "number"}),
                              "figure": _null(_enum(LINKABLE_FIGURES))}),
        "last_update_on": _null(DATE), "flags": {"type": "array", "items": _enum(FLAGS)},
        "version": {"type": "integer"},
        "updates": {"type": "array", "items": _object({
            "reported_on": DATE, "status": _enum(NipStatus), "progress": {"type": "integer"},
            "value": _null({"type": "number"}), "narrative": {"type": "string"},
            "evidence_url": {"type": "string"}})}},
        required=["id", "code", "title", "description", "lead", "partners", "commitments", "start_on", "due_on",
                  "status", "progress", "indicator", "last_update_on", "flags", "version"]),
    "NipActionList": _object({"items": {"type": "array", "items": _ref("NipAction")}}),
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}


PAGING = [_query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "page number, from 1"),
          _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "rows per page")]
AS_OF = _query("as_of", DAY, "evaluate as of this date (default: today, Warsaw)")
ALL = _query("all", {"type": "string", "enum": ["true", "false"]}, "include ineligible ones, with their blockers")
SORT_VALUES = sorted(SORTS) + sorted(f"-{key}" for key in SORTS)

EXPERT_FILTERS = [
    _query("q", _text(100), "words of the family name, given name or personnel number"),
    _query("institution", _text(32), "institution code (in scope)"),
    _query("language", _text(2), "ISO 639-1 code"),
    _query("min_level", _enum(CefrLevel), "with `language`: at least this level"),
    _query("clearance", _enum([c for c in ClearanceLevel if c != ClearanceLevel.NONE]),
           "at least this clearance, valid on `available_on` (or today)"),
    _query("expertise", _text(40), "expertise area code"),
    _query("status", _enum(PoolStatus), "pool status"),
    _query("available_on", DAY, "available on this date"),
    _query("training", _enum(["valid", "expiring", "expired"]), "mandatory training (expired = or missing)"),
    _query("sort", _enum(SORT_VALUES), "sort key; a leading '-' sorts descending"),
    *PAGING,
]

# (method, path, endpoint, summary, parameters, request body schema, {status: response schema, None = Error})
OPERATIONS = [
    ("get", "/experts", "api.list_experts", "The expert list, with the list page's filters and paging",
     EXPERT_FILTERS, None, {200: "ExpertPage", 401: None, 403: None, 422: None}),
    ("post", "/experts", "api.create_expert", "Create an expert (the expert form's validation)",
     [], "ExpertInput", {201: "Expert", 400: None, 401: None, 403: None, 422: None}),
    ("get", "/experts/{expert_id}", "api.get_expert", "One expert, as the form holds it",
     [_path("expert_id")], None, {200: "Expert", 401: None, 403: None, 404: None}),
    ("put", "/experts/{expert_id}", "api.update_expert",
     "Replace an expert's data; `version` must be the one read (else 409 and nothing changes)",
     [_path("expert_id")], "ExpertUpdate", {200: "Expert", 400: None, 401: None, 403: None, 404: None, 409: None,
                                            422: None}),
    ("get", "/experts/{expert_id}/matches", "api.expert_matches", "Open positions for the expert (SPEC §6)",
     [_path("expert_id"), AS_OF, ALL], None, {200: "ExpertMatch", 401: None, 403: None, 404: None, 422: None}),
    ("get", "/cfcs", "api.list_cfcs", "Calls for contributions",
     [_query("status", _enum(CfcStatus), "open or closed")], None, {200: "CfcList", 401: None, 422: None}),
    ("get", "/cfcs/{cfc_id}", "api.get_cfc", "A call with its positions",
     [_path("cfc_id")], None, {200: "CfcDetail", 401: None, 404: None}),
    ("get", "/cfcs/{cfc_id}/plan", "api.cfc_plan",
     "The optimal staffing plan of a call among the experts in your scope (SPEC §6)",
     [_path("cfc_id"), AS_OF], None, {200: "CfcPlan", 401: None, 403: None, 404: None, 422: None}),
    ("get", "/positions", "api.list_positions", "Positions, of open calls unless `cfc_id` is given",
     [_query("cfc_id", ID, "positions of this call"), *PAGING], None,
     {200: "PositionPage", 401: None, 422: None}),
    ("get", "/positions/{position_id}", "api.get_position", "A position with its requirements",
     [_path("position_id")], None, {200: "Position", 401: None, 404: None}),
    ("get", "/positions/{position_id}/matches", "api.position_matches",
     "Experts in your scope ranked for the position (SPEC §6)",
     [_path("position_id"), AS_OF, ALL, _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000},
                                               "at most this many results (default 100)"),
      _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_PAGE}, "skip this many ranked results")],
     None, {200: "PositionMatch", 401: None, 403: None, 404: None, 422: None}),
    ("get", "/nominations", "api.list_nominations", "Nominations in your scope, soonest national deadline first",
     [_query("status", _enum(NominationStatus), "status"), _query("cfc_id", ID, "of this call"),
      _query("institution", _text(32), "institution code of the expert"), *PAGING], None,
     {200: "NominationPage", 401: None, 403: None, 422: None}),
    ("post", "/nominations", "api.create_nomination", "A draft nomination of an expert in your scope",
     [], "NominationInput", {201: "Nomination", 400: None, 401: None, 403: None, 409: None, 422: None}),
    ("get", "/nominations/{nomination_id}", "api.get_nomination", "A nomination with its history",
     [_path("nomination_id")], None, {200: "Nomination", 401: None, 403: None, 404: None}),
    ("post", "/nominations/{nomination_id}/transitions", "api.transition_nomination",
     "Move a nomination by one action of the workflow (SPEC §5); `version` must be the one read",
     [_path("nomination_id")], "Transition",
     {200: "Nomination", 400: None, 401: None, 403: None, 404: None, 409: None, 422: None}),
    ("get", "/deployments", "api.list_deployments", "Tours in your scope, latest end first",
     [_query("status", _enum(DeploymentStatus), "status"),
      _query("active", {"type": "string", "enum": ["true", "false"]}, "only active (or only ended) tours"),
      *PAGING], None, {200: "DeploymentPage", 401: None, 403: None, 422: None}),
    ("get", "/deployments/{deployment_id}", "api.get_deployment", "A tour with its extensions",
     [_path("deployment_id")], None, {200: "Deployment", 401: None, 403: None, 404: None}),
    ("get", "/nip/actions", "api.list_nip_actions", "NIP actions with their compliance flags, by due date",
     [_query("status", _enum(NipStatus), "status"), _query("flag", _enum(FLAGS), "overdue, at risk or stale"),
      _query("lead", _text(32), "lead institution code")], None,
     {200: "NipActionList", 401: None, 422: None}),
    ("get", "/nip/actions/{action_id}", "api.get_nip_action", "An NIP action with its progress updates",
     [_path("action_id")], None, {200: "NipAction", 401: None, 404: None}),
]

for _operation in OPERATIONS:  # any request can be unreadable (a NUL, a body that is not JSON), or meet a fault of ours
    _operation[6].setdefault(400, None)
    _operation[6].setdefault(500, None)
    _operation[6].setdefault(503, None)

DESCRIPTIONS = {200: "OK", 201: "Created", 400: "Unreadable request (a NUL character, a body that is not JSON)",
                401: "No token, or an unknown, revoked or expired one, or an inactive account",
                403: "Your role may not do this (viewers see no personal data)",
                404: "Not found, or not in your scope", 409: "Stale version: someone changed it since you read it",
                422: "Refused; nothing was changed. Code `invalid`: parameters or data this document does not allow "
                     "(`fields` says which). Code `refused`: a rule that depends on the data refuses a request this "
                     "document allows (an id of nothing, an institution outside your scope, a workflow step not open "
                     "from the current status, the expert form's rules across fields); `confirmation_needed`: send "
                     "`confirm_warnings`",
                500: "A fault on our side; nothing was changed",
                503: "The database cannot be reached; nothing was changed, try again later"}

INTRO = """Read and write the national pool with a personal API token (create one on *Your account*).
Send it as `Authorization: Bearer <token>`. A token has its user's role and scope: an HR officer's token sees
its service's experts only; a viewer's token reads positions, calls and NIP actions, no personal data.
Every error is `{"error": {"code", "message", "fields"}}` with the status code; `fields` names the invalid
parameters or body fields. Writes carry the `version` they read; a stale one answers 409 and changes nothing."""


@lru_cache(maxsize=1)
def document() -> dict:
    """The whole document (built once)."""
    paths: dict[str, dict] = {}
    for method, path, endpoint, summary, parameters, body, responses in OPERATIONS:
        operation = {"operationId": endpoint.removeprefix("api."), "summary": summary, "parameters": parameters,
                     "responses": {}}
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
        for status, schema in sorted(responses.items()):
            operation["responses"][str(status)] = {
                "description": DESCRIPTIONS[status],
                "content": {"application/json": {"schema": _ref(schema or "Error")}}}
        paths.setdefault(path, {})[method] = operation
    paths["/openapi.json"] = {"get": {"operationId": "openapi", "summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OK",
                                                            "content": {"application/json": {"schema": {
                                                                "type": "object"}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "seconding API", "version": "1.0.0", "description": INTRO},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "a personal API token"}}},
    }


def operation_for(endpoint: str) -> tuple:
    """The OPERATIONS row of an endpoint."""
    return next(op for op in OPERATIONS if op[2] == endpoint)
