"""/cfcs and /positions (every role reads them, as on the pages), and experts ranked for a position."""
from flask import request
from flask_login import current_user
from sqlalchemy import func, select

from seconding.access import scope_filter
from seconding.api.base import (
    audit_read,
    bool_arg,
    bp,
    choice_arg,
    date_arg,
    get_or_404,
    int_arg,
    page_args,
    page_json,
    query_args,
    require_personal,
)
from seconding.api.serializers import cfc_json, position_json
from seconding.dates import today_in_warsaw
from seconding.db import MAX_ID
from seconding.extensions import db
from seconding.matches import results
from seconding.missions import queries
from seconding.models import Cfc, CfcStatus, Expert, Position

MATCH_LIMIT = 100


def _position_query():
    return queries.with_requirements(select(Position).join(Position.cfc))


@bp.get("/cfcs")
def list_cfcs():
    """Every call for contributions, soonest national deadline first."""
    args = query_args()
    status = choice_arg(args, "status", CfcStatus.values())
    rows = db.session.execute(queries.cfcs(status=status)).all()
    return {"items": [cfc_json(cfc, positions, posts) for cfc, _mission, positions, posts in rows]}


@bp.get("/cfcs/<int:cfc_id>")
def get_cfc(cfc_id: int):
    """A call with its positions."""
    query_args()
    cfc = get_or_404(Cfc, cfc_id)
    positions = db.session.scalars(_position_query().where(Position.cfc_id == cfc.id)
                                   .order_by(Position.reference)).all()
    return {**cfc_json(cfc, len(positions), sum(p.posts for p in positions)),
            "position_list": [position_json(p) for p in positions]}


@bp.get("/positions")
def list_positions():
    """Positions of the open calls, or of one call."""
    args = query_args()
    cfc_id = int_arg(args, "cfc_id", None, 1, MAX_ID)
    page, per_page = page_args(args, 100)
    condition = Position.cfc_id == cfc_id if cfc_id else Cfc.status == CfcStatus.OPEN
    total = db.session.scalar(select(func.count(Position.id)).join(Position.cfc).where(condition))
    positions = db.session.scalars(_position_query().where(condition).order_by(Cfc.reference, Position.reference)
                                   .limit(per_page).offset((page - 1) * per_page)).all()
    return page_json([position_json(p) for p in positions], page, per_page, total)


@bp.get("/positions/<int:position_id>")
def get_position(position_id: int):
    """One position with its requirements."""
    query_args()
    return position_json(get_or_404(Position, position_id))


@bp.get("/positions/<int:position_id>/matches")
def position_matches(position_id: int):
    """Experts in the reader's scope ranked for a position (SPEC §6 JSON)."""
    require_personal()
    args = query_args()
    position = get_or_404(Position, position_id)
    as_of = date_arg(args, "as_of") or today_in_warsaw()
    limit = int_arg(args, "limit", MATCH_LIMIT, 1, 1000)
    offset = int_arg(args, "offset", 0, 0, 1_000_000)
    match = results.rank_position(position, scope=scope_filter(current_user, Expert.institution_id), as_of=as_of,
                                  include_ineligible=bool_arg(args, "all"), offset=offset, limit=limit)
    audit_read(request.path)
    return results.position_match_json(match)


@bp.get("/cfcs/<int:cfc_id>/plan")
def cfc_plan(cfc_id: int):
    """The optimal staffing plan of a call among the experts in the reader's scope (SPEC §6 JSON)."""
    require_personal()
    args = query_args()
    cfc = get_or_404(Cfc, cfc_id)
    as_of = date_arg(args, "as_of") or today_in_warsaw()
    plan = results.plan_for_cfc(cfc, scope=scope_filter(current_user, Expert.institution_id), as_of=as_of)
    audit_read(request.path)
    return results.plan_json(plan)

