"""Routes of the pool: experts, training records, the matrix, sessions and courses."""
from tests.routes.common import ADMIN, PERSONAL


def extend_ctx(ctx):
    from seconding.extensions import db
    from seconding.models import Course
    from seconding.training.services import add_training_record

    expert = ctx["make_expert"]("POLICE", external_id="P-ROUTE")
    pdt = db.session.query(Course).filter_by(code="PDT").one()
    ctx["expert"] = expert
    ctx["pdt"] = pdt
    ctx["record"] = add_training_record(expert, pdt, expert.created_at.date(), audit=False)
    db.session.commit()


def _expert_form(ctx):
    e = ctx["expert"]
    return {"version": str(e.version), "institution_id": e.institution_id, "external_id": e.external_id,
            "given_name": "Changed", "family_name": e.family_name, "sex": "F", "experience_years": "7",
            "clearance_level": "NONE", "driving_licence": "B", "pool_status": "active",
            "primary_expertise": "", "languages-0-code": "en", "languages-0-level": "C1"}


ROUTES = {
    "experts.index": (("GET",), PERSONAL, None, None),
    "experts.new": (("GET", "POST"), PERSONAL, None,
                    lambda ctx: {**_expert_form(ctx), "external_id": "NEW-1", "version": ""}),
    "experts.detail": (("GET",), PERSONAL, lambda ctx: {"expert_id": ctx["expert"].id}, None),
    "experts.edit": (("GET", "POST"), PERSONAL, lambda ctx: {"expert_id": ctx["expert"].id}, _expert_form),
    "experts.status": (("POST",), PERSONAL, lambda ctx: {"expert_id": ctx["expert"].id},
                       lambda ctx: {"version": str(ctx["expert"].version), "pool_status": "suspended"}),
    "training.matrix": (("GET",), PERSONAL, None, None),
    "training.matrix_csv": (("GET",), PERSONAL, None, None),
    "training.start_matrix_csv": (("POST",), PERSONAL, None, {"institution": "POLICE"}),
    "training.add_record": (("GET", "POST"), PERSONAL, lambda ctx: {"expert_id": ctx["expert"].id},
                            lambda ctx: {"course_id": ctx["pdt"].id, "completed_on": "2020-01-01"}),
    "training.delete_record": (("POST",), PERSONAL, lambda ctx: {"record_id": ctx["record"].id}, {}),
    "training.session": (("GET", "POST"), PERSONAL, None,
                         lambda ctx: {"course_id": ctx["pdt"].id, "completed_on": "2021-01-01",
                                      "institution": "POLICE", "participants": "P-ROUTE"}),
    "training.courses": (("GET",), PERSONAL, None, None),
    "training.course_form": (("GET", "POST"), ADMIN, None,
                             {"code": "NEWC", "name": "New course", "validity_months": "12"}),
}

# These name an object of the POLICE: a Border Guard user is told it does not exist.
SCOPED = {"experts.detail", "experts.edit", "experts.status", "training.add_record", "training.delete_record"}
