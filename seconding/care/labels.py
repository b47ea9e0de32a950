"""The words of the duty of care's codes (risk levels, kinds of incident, checklist items)."""
from flask_babel import lazy_gettext as _l

RISK_LABELS = {"low": _l("Low"), "moderate": _l("Moderate"), "high": _l("High"), "very_high": _l("Very high")}
# The badge each risk level wears on the pages (the app's colours: green, amber, red, dark red).
RISK_BADGES = {"low": "valid", "moderate": "expiring", "high": "expired", "very_high": "blocker"}

INCIDENT_KIND_LABELS = {"security": _l("Security"), "health": _l("Health"), "accident": _l("Accident"),
                        "conduct": _l("Conduct"), "other": _l("Other")}

CHECKLIST_LABELS = {"medical": _l("Medical fitness"), "insurance": _l("Insurance"),
                    "travel_documents": _l("Travel documents"), "equipment": _l("Equipment"),
                    "security_briefing": _l("Security briefing")}
