"""The audit log as people read it: an action and an object type by their names in the page's language, a summary
without codes. The log keeps codes (`action`, `object_type`) and its summaries as written at the time, in English;
the pages (the audit log, a record's history) show them through these filters (registered on the app by the audit
blueprint)."""
import re

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "annex_imported": _l("Annex of positions imported"),
    "api_read": _l("Read through the API"),
    "api_write": _l("Changed through the API"),
    "api_token_created": _l("API token created"),
    "api_token_revoked": _l("API token revoked"),
    "appraisal_recorded": _l("End-of-tour appraisal recorded"),
    "calendar_feed_read": _l("Calendar feed read"),
    "calendar_token_created": _l("Calendar link created"),
    "calendar_token_revoked": _l("Calendar link revoked"),
    "cfc_created": _l("Call for contributions created"),
    "cfc_updated": _l("Call for contributions changed"),
    "commitment_created": _l("Compact commitment created"),
    "commitments_imported": _l("Compact commitments imported"),
    "course_saved": _l("Course saved"),
    "debrief_recorded": _l("Debrief recorded"),
    "deployment_checklist_overridden": _l("Pre-deployment checklist overridden"),
    "deployment_checklist_updated": _l("Pre-deployment checklist updated"),
    "deployment_completed": _l("Tour completed"),
    "deployment_curtailed": _l("Tour ended early"),
    "deployment_deployed": _l("Tour under way"),
    "deployment_extended": _l("Tour extended"),
    "deployment_planned": _l("Tour planned"),
    "deployment_pre_deployment": _l("Tour in pre-deployment"),
    "deployment_recorded": _l("Tour recorded"),
    "emergency_contact_added": _l("Emergency contact added"),
    "emergency_contact_deleted": _l("Emergency contact deleted"),
    "expert_anonymised": _l("Expert anonymised"),
    "expert_confirmed": _l("Expert's data confirmed as current"),
    "expert_correction_accepted": _l("Correction accepted"),
    "expert_correction_proposed": _l("Correction proposed"),
    "expert_correction_rejected": _l("Correction rejected"),
    "expert_created": _l("Expert added"),
    "expert_data_exported": _l("Expert's data exported"),
    "expert_link_refused": _l("Personal link refused"),
    "expert_link_revoked": _l("Personal link revoked"),
    "expert_link_sent": _l("Personal link sent"),
    "expert_link_used": _l("Personal link used"),
    "expert_status_changed": _l("Pool status changed"),
    "expert_updated": _l("Expert changed"),
    "incident_changed": _l("Incident changed"),
    "incident_recorded": _l("Incident recorded"),
    "mission_created": _l("Mission created"),
    "mission_location_added": _l("Mission location added"),
    "mission_updated": _l("Mission changed"),
    "national_targets_set": _l("National targets set"),
    "nip_action_created": _l("NIP action created"),
    "nip_action_edited": _l("NIP action changed"),
    "nip_progress_update": _l("NIP action progress updated"),
    "nomination_consent": _l("Expert's consent recorded"),
    "nomination_created": _l("Nomination created"),
    "nomination_endorse": _l("Nomination endorsed"),
    "nomination_forward": _l("Nomination forwarded to the EEAS"),
    "nomination_interview": _l("Nomination: interviewed"),
    "nomination_motivation": _l("Motivation written"),
    "nomination_not_select": _l("Nomination: not selected"),
    "nomination_package_downloaded": _l("Nomination package downloaded"),
    "nomination_reject": _l("Nomination rejected"),
    "nomination_reserve": _l("Nomination: reserve list"),
    "nomination_return": _l("Nomination returned to the service"),
    "nomination_select": _l("Nomination: selected"),
    "nomination_shortlist": _l("Nomination: shortlisted"),
    "nomination_submit": _l("Nomination submitted"),
    "nomination_withdraw": _l("Nomination withdrawn"),
    "notification_modes_changed": _l("Notification settings changed"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset"),
    "password_reset_sent": _l("Password reset link sent"),
    "password_reset_throttled": _l("Password reset refused: too many requests"),
    "position_created": _l("Position created"),
    "position_updated": _l("Position changed"),
    "preferences_changed": _l("Preferences changed"),
    "register_exported": _l("Register exported"),
    "register_imported": _l("Register imported"),
    "second_factor_disabled": _l("Second factor turned off"),
    "second_factor_enrolled": _l("Second factor set up"),
    "second_factor_recovery_used": _l("Recovery code used"),
    "second_factor_refused": _l("Second factor code refused"),
    "second_factor_reset": _l("Second factor reset by an administrator"),
    "sign_in": _l("Signed in"),
    "sign_in_directory_unreachable": _l("Sign-in failed: directory unreachable"),
    "sign_in_failed": _l("Sign-in failed"),
    "sign_in_throttled": _l("Sign-in refused: too many attempts"),
    "sign_out": _l("Signed out"),
    "training_added": _l("Training record added"),
    "training_deleted": _l("Training record deleted"),
    "training_matrix_exported": _l("Training matrix exported"),
    "user_created": _l("User created"),
    "user_updated": _l("User changed"),
}

OBJECT_LABELS = {
    "api_token": _l("API token"),
    "appraisal": _l("appraisal"),
    "calendar_token": _l("calendar link"),
    "cfc": _l("call for contributions"),
    "compact_commitment": _l("Compact commitment"),
    "course": _l("course"),
    "debrief": _l("debrief"),
    "deployment": _l("tour"),
    "emergency_contact": _l("emergency contact"),
    "expert": _l("expert"),
    "expert_correction": _l("correction"),
    "expert_link": _l("personal link"),
    "incident": _l("incident"),
    "mission": _l("mission"),
    "mission_location": _l("mission location"),
    "national_target": _l("national targets"),
    "nip_action": _l("NIP action"),
    "nomination": _l("nomination"),
    "position": _l("position"),
    "register": _l("register"),
    "user": _l("user"),
}


# Who did it, when not a user (a user is named by the address they signed in with).
ACTOR_LABELS = {
    "command line": _l("command line"),
    "the expert, through the personal link": _l("the expert, through the personal link"),
}


def actor_label(label: str) -> str:
    known = ACTOR_LABELS.get(label)
    return str(known) if known is not None else label


def _readable(code: str) -> str:
    """A code nobody named yet, readable: 'expert_link_used' -> 'Expert link used'."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _readable(action or "")


def object_label(object_type: str) -> str:
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else _readable(object_type or "").lower()


# A code inside a summary, as the services wrote it: a state or a value with underscores, a change of state.
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_ARROW = re.compile(r"\s*->\s*")


def summary_text(summary: str) -> str:
    """A summary as recorded (English), its codes made words: 'pre_deployment -> deployed' reads
    'pre-deployment → deployed'."""
    text = _ARROW.sub(" → ", summary or "")
    return _CODE.sub(lambda m: m.group(0).replace("_", "-" if m.group(0) == "pre_deployment" else " "), text)
