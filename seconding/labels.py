"""Words for statuses, shared by every page (badges carry text, never colour alone).

BADGE_LABELS holds the words of the shared status badges (training validity, pool status, a match's outcome, a
tour's status; templates read it as the global `BADGE_LABELS`); DEPLOYMENT_STATUS_LABELS is its part for a tour's
statuses. A module's own statuses have their own dict, named for them: NOMINATION_STATUS_LABELS
(nominations/workflow.py), POOL_STATUS_LABELS (experts/forms.py, the form's capitalised words), CFC_STATUS_LABELS
(missions/forms.py), NIP_STATUS_LABELS (nip/forms.py)."""
from flask_babel import lazy_gettext as _l

BADGE_LABELS = {
    "valid": _l("valid"),
    "expiring": _l("expiring"),
    "expired": _l("expired"),
    "missing": _l("missing"),
    "active": _l("active"),
    "suspended": _l("suspended"),
    "left": _l("left the pool"),
    "met": _l("met"),
    "gap": _l("gap"),
    "gaps": _l("eligible with gaps"),
    "blocker": _l("blocker"),
    "eligible": _l("eligible"),
    "ineligible": _l("ineligible"),
    "planned": _l("planned"),
    "pre_deployment": _l("pre-deployment"),
    "deployed": _l("deployed"),
    "completed": _l("completed"),
    "curtailed": _l("curtailed"),
}
# A tour's statuses (DeploymentStatus), in their order.
DEPLOYMENT_STATUS_LABELS = {status: BADGE_LABELS[status]
                            for status in ("planned", "pre_deployment", "deployed", "completed", "curtailed")}

# The rules of SPEC §6 by the names a person reads (messages name the rule that blocks, never its code).
RULE_LABELS = {
    "pool_status": _l("Pool status"), "busy": _l("Free for the tour"), "unavailable": _l("Availability"),
    "language": _l("Language"), "clearance": _l("Clearance"), "experience": _l("Experience"),
    "driving_licence": _l("Driving licence"), "course": _l("Course"), "clearance_expiry": _l("Clearance validity"),
    "passport": _l("Passport"),
}

# Status badges are coloured by family, the same everywhere, and always carry their words: "waiting" (open, waiting
# for someone), "progress" (under way), "done" (reached, valid), "closed" (refused, failed, ended badly, a blocker).
# Keys: a module's status as "<kind>-<value>" (nomination-, deployment-, cfc-, nip-, delivery-, job-), or a shared
# badge's value (BADGE_LABELS, the NIP flags). Anything else is "neutral" (grey).
BADGE_FAMILIES = {
    **dict.fromkeys(("nomination-draft", "nomination-submitted", "nomination-reserve", "deployment-planned",
                     "cfc-open", "nip-planned", "delivery-pending", "expiring", "gap", "gaps", "suspended",
                     "at_risk", "stale", "planned", "job-queued"), "waiting"),
    **dict.fromkeys(("nomination-endorsed", "nomination-forwarded", "nomination-shortlisted",
                     "nomination-interviewed", "deployment-pre_deployment", "deployment-deployed", "nip-in_progress",
                     "delivery-sending", "pre_deployment", "deployed", "job-running"), "progress"),
    **dict.fromkeys(("nomination-selected", "deployment-completed", "nip-completed", "delivery-sent", "valid",
                     "active", "met", "eligible", "completed", "job-done"), "done"),
    **dict.fromkeys(("nomination-not_selected", "nomination-rejected", "nomination-withdrawn",
                     "deployment-curtailed", "cfc-closed", "nip-delayed", "nip-cancelled", "delivery-failed",
                     "expired", "missing", "left", "blocker", "ineligible", "overdue", "curtailed", "job-failed",
                     "job-cancelled"), "closed"),
}


def badge_family(status: str) -> str:
    """The family of a badge's status key (see BADGE_FAMILIES): its colour."""
    return BADGE_FAMILIES.get(str(status), "neutral")
