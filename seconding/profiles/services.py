"""Confirming an expert's profile as current: optimistic locking as the expert's other actions, audited; flushes."""
from datetime import date

from flask_babel import gettext as _

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Refusal, check_version, flush
from seconding.models import Expert, User
from seconding.profiles.queries import facts_of
from seconding.profiles.rules import missing_fields


def confirm_profile(expert: Expert, user: User, *, version: int | None, today: date) -> list[str]:
    """Record that `user` checked the profile and it is current; returns the fields still missing (they are
    written to the audit event, so the record shows what was confirmed as it stood)."""
    check_version(expert, version, _("Someone else changed this expert after you opened the page. Nothing was "
                                     "saved: check the profile again, then confirm it."))
    if expert.anonymised_at is not None:
        raise Refusal(_("This record is anonymised: there is no profile left to confirm."))
    missing = missing_fields(facts_of(expert), today)
    expert.confirmed_at = utcnow()
    expert.confirmed_by_id = user.id
    expert.confirmed_by_expert = False
    # The flush moves the version, so a form opened before the confirmation is stale.
    flush(_("Someone else changed this expert at the same moment. Nothing was saved."))
    state = f"missing: {', '.join(missing)}" if missing else "complete"
    record("expert_confirmed", actor=user, object_type="expert", object_id=expert.id,
           institution_id=expert.institution_id, summary=f"confirmed as current; {state}")
    return missing
