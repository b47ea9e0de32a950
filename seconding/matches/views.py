"""Match pages: experts for a position, positions for an expert, the staffing plan of a CfC (in the reader's scope)."""
from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from seconding.access import PERSONAL_DATA_ROLES, institutions_in_scope, require_scope, roles_required, scope_filter
from seconding.dates import today_in_warsaw
from seconding.debrief.queries import returns_of
from seconding.extensions import db
from seconding.matches import results, sentences
from seconding.matches.forms import ExpertMatchFilters, PlanFilters, PositionMatchFilters
from seconding.models import Cfc, Expert, Position
from seconding.pagination import Page, page_number
from seconding.reference import institution_choice

bp = Blueprint("matches", __name__, url_prefix="/matches")
READERS = tuple(PERSONAL_DATA_ROLES)
PER_PAGE = 25
# The findings and unfilled reasons in the reader's language, on every page that shows them.
bp.add_app_template_filter(sentences.finding_text, "finding_text")
bp.add_app_template_filter(sentences.reason_text, "reason_text")


@bp.app_template_global()
def expert_url(expert_id: int) -> str:
    """The expert's page."""
    return url_for("experts.detail", expert_id=expert_id)


def _as_of(form) -> date:
    """The as-of date of a valid filter form, else today (an invalid date keeps its error next to the field)."""
    if form.as_of.errors:
        return today_in_warsaw()
    form.as_of.data = form.as_of.data or today_in_warsaw()
    return form.as_of.data


@bp.route("/positions/<int:position_id>")
@roles_required(*READERS)
def position(position_id: int):
    item = db.get_or_404(Position, position_id)
    form = PositionMatchFilters(formdata=request.args)
    scope = institutions_in_scope(current_user)
    locale = str(get_locale() or "en")
    form.institution.choices = [("", _("All in your scope"))] + [(i.code, institution_choice(i, locale))
                                                               for i in scope]
    form.validate()
    include = form.show.data == "all" and not form.show.errors
    institution = next((i for i in scope if i.code == form.institution.data and not form.institution.errors), None)
    page = page_number(request.args.get("page"))
    match = results.rank_position(
        item, scope=scope_filter(current_user, Expert.institution_id), as_of=_as_of(form),
        include_ineligible=include, institution_id=institution.id if institution else None,
        offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    pager = Page(match.rows, page, PER_PAGE, match.total)
    args = {"as_of": match.as_of.isoformat(), "show": "all" if include else "eligible",
            "institution": institution.code if institution else ""}
    return render_template("matches/position.html", position=item, cfc=item.cfc, match=match, form=form,
                           page=pager, args=args, first_rank=(page - 1) * PER_PAGE + 1,
                           returns=returns_of(row.expert.id for row in match.rows))


@bp.route("/experts/<int:expert_id>")
@roles_required(*READERS)
def expert(expert_id: int):
    item = db.get_or_404(Expert, expert_id)
    require_scope(item.institution_id)
    form = ExpertMatchFilters(formdata=request.args)
    form.validate()
    include = form.show.data == "all" and not form.show.errors
    match = results.match_expert(item, as_of=_as_of(form), include_ineligible=include)
    return render_template("matches/expert.html", expert=item, match=match, form=form,
                           returns=returns_of([item.id]).get(item.id, []))


@bp.route("/cfcs/<int:cfc_id>/plan")
@roles_required(*READERS)
def plan(cfc_id: int):
    item = db.get_or_404(Cfc, cfc_id)
    form = PlanFilters(formdata=request.args)
    form.validate()
    result = results.plan_for_cfc(item, scope=scope_filter(current_user, Expert.institution_id), as_of=_as_of(form))
    return render_template("matches/plan.html", cfc=item, result=result, form=form,
                           returns=returns_of(row.expert.id for row in result.rows))
