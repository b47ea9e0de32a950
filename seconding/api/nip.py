"""/nip/actions: the NIP holds no personal data, so every role reads it, as on the pages."""
from flask_babel import gettext as _
from sqlalchemy import select

from seconding.api.base import ApiError, bp, choice_arg, get_or_404, query_args
from seconding.api.serializers import nip_action_json
from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import Institution, NipAction, NipStatus
from seconding.nip import queries
from seconding.nip.compliance import FLAGS, flags
from seconding.nip.figures import current_value, current_values


@bp.get("/nip/actions")
def list_nip_actions():
    """NIP actions with their compliance flags, filtered."""
    args = query_args()
    status = choice_arg(args, "status", NipStatus.values())
    flag = choice_arg(args, "flag", FLAGS)
    lead_id = None
    if args.get("lead", "").strip():
        lead_id = db.session.scalar(select(Institution.id).where(Institution.code == args["lead"].strip().upper()))
        if lead_id is None:
            raise ApiError(422, code="refused", fields={"lead": _("Unknown institution code.")})
    today = today_in_warsaw()
    rows = queries.action_rows(today, status=status, lead_id=lead_id, flag=flag)
    current = current_values([row.action for row in rows], today)
    return {"items": [nip_action_json(row.action, row.flags, current[row.action.id]) for row in rows]}


@bp.get("/nip/actions/<int:action_id>")
def get_nip_action(action_id: int):
    """One NIP action with its progress updates."""
    query_args()
    action, today = get_or_404(NipAction, action_id), today_in_warsaw()
    return nip_action_json(action, flags(action, today, queries.thresholds()), current_value(action, today),
                           updates=True)
