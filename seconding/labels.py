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
