"""Words for statuses, shared by every page (badges carry text, never colour alone)."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
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

# The rules of SPEC §6 by the names a person reads (messages name the rule that blocks, never its code).
RULE_LABELS = {
    "pool_status": _l("Pool status"), "busy": _l("Free for the tour"), "unavailable": _l("Availability"),
    "language": _l("Language"), "clearance": _l("Clearance"), "experience": _l("Experience"),
    "driving_licence": _l("Driving licence"), "course": _l("Course"), "clearance_expiry": _l("Clearance validity"),
    "passport": _l("Passport"),
}
