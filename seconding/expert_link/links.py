"""The expert's personal link: sent by e-mail by an HR officer in scope or a coordinator, valid EXPERT_LINK_DAYS
(14), revocable, one live link per expert (a new one revokes the ones before). Only the SHA-256 of the secret is
kept; the secret is in the e-mail and nowhere else.

Every use is audited (object: the expert; with the network address) and counted: at most EXPERT_LINK_MAX_PER_LINK
requests an hour per link and EXPERT_LINK_MAX_PER_ADDRESS per network address; an unknown, expired or revoked link
is audited as refused, and after EXPERT_LINK_MAX_FAILURES of them in an hour a network address is refused every link
for the rest of the hour (guessing is pointless anyway: 256 random bits). The counts are read from the audit log."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from seconding.access import in_scope
from seconding.audit.services import record
from seconding.dates import WARSAW
from seconding.db import utcnow
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.mail import build_message, message_id, send_after_commit
from seconding.models import AuditEvent, Expert, Role, User
from seconding.models.expert_link import EXPERT_THROUGH_LINK, ExpertLink

USED = "expert_link_used"
REFUSED = "expert_link_refused"
WINDOW = timedelta(hours=1)
MAX_SECRET_LENGTH = 100
SENDERS = (Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def live_link(expert: Expert, now: datetime | None = None) -> ExpertLink | None:
    """The expert's live link (not revoked, not expired), if any."""
    now = now or utcnow()
    return db.session.scalar(select(ExpertLink).where(
        ExpertLink.expert_id == expert.id, ExpertLink.revoked_at.is_(None), ExpertLink.expires_at > now)
        .order_by(ExpertLink.id.desc()).limit(1))


def _check_sender(actor: User, expert: Expert) -> None:
    if actor.role not in SENDERS or not in_scope(actor, expert.institution_id):
        raise Refusal(_("This expert is not in your scope."))


def _revoke_all(expert: Expert, actor: User, now: datetime, why: str) -> int:
    revoked = 0
    for old in db.session.scalars(select(ExpertLink).where(ExpertLink.expert_id == expert.id,
                                                           ExpertLink.revoked_at.is_(None))):
        old.revoked_at = now
        revoked += 1
        record("expert_link_revoked", object_type="expert", object_id=expert.id, actor=actor,
               institution_id=expert.institution_id, summary=f"personal link #{old.id} revoked ({why})")
    return revoked


def send_link(expert: Expert, actor: User, *, locale: str, now: datetime | None = None) -> ExpertLink:
    """Make a new link (the earlier ones are revoked) and e-mail it to the profile's address after the commit, in
    `locale`. Refused when the profile has no e-mail address or the record is anonymised."""
    _check_sender(actor, expert)
    if expert.anonymised_at is not None:
        raise Refusal(_("This record is anonymised: there is nobody to send a link to."))
    if not expert.email:
        raise Refusal(_("The profile has no e-mail address: add the expert's address to the profile first, then "
                        "send the link."))
    now = now or utcnow()
    _revoke_all(expert, actor, now, "replaced by a new link")
    secret = secrets.token_urlsafe(32)
    link = ExpertLink(expert_id=expert.id, token_hash=hash_secret(secret), sent_to=expert.email,
                      created_by_id=actor.id, created_at=now,
                      expires_at=now + timedelta(days=current_app.config["EXPERT_LINK_DAYS"]))
    db.session.add(link)
    db.session.flush()
    record("expert_link_sent", object_type="expert", object_id=expert.id, actor=actor,
           institution_id=expert.institution_id,
           summary=f"personal link #{link.id} sent to {expert.email}, valid until "
                   f"{link.expires_at.astimezone(WARSAW):%Y-%m-%d %H:%M}")
    name, mail = _message(expert, link, secret, actor, locale)
    send_after_commit(name, mail, "personal link")
    return link


def revoke_link(expert: Expert, actor: User, *, now: datetime | None = None) -> int:
    """Revoke the expert's links; returns how many were live (0: there was none)."""
    _check_sender(actor, expert)
    revoked = _revoke_all(expert, actor, now or utcnow(), "revoked")
    db.session.flush()
    return revoked


# --- using the link ------------------------------------------------------------------------------------------


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(*conditions))


def address_throttled(address: str | None, now: datetime) -> bool:
    """Too many requests, or too many unknown, expired or revoked links, from this network address in the last
    hour."""
    if not address:
        return False
    since = now - WINDOW
    config = current_app.config
    return (_count(AuditEvent.action == REFUSED, AuditEvent.address == address, AuditEvent.at >= since)
            >= config["EXPERT_LINK_MAX_FAILURES"]
            or _count(AuditEvent.action.in_((USED, REFUSED)), AuditEvent.address == address, AuditEvent.at >= since)
            >= config["EXPERT_LINK_MAX_PER_ADDRESS"])


def link_throttled(link: ExpertLink, now: datetime) -> bool:
    """Too many uses of this link in the last hour (an expert has one live link: its uses are the expert's link
    uses since it was made)."""
    since = max(now - WINDOW, link.created_at)
    return _count(AuditEvent.action == USED, AuditEvent.object_type == "expert",
                  AuditEvent.object_id == str(link.expert_id), AuditEvent.at >= since) \
        >= current_app.config["EXPERT_LINK_MAX_PER_LINK"]


def open_link(secret: str, address: str | None, now: datetime) -> tuple[ExpertLink | None, str]:
    """The link of this secret and what to answer: "ok" (the use is audited), "throttled", "unknown", "expired" or
    "revoked" (each of the last three audited as refused, which the address's throttle counts)."""
    if address_throttled(address, now):
        return None, "throttled"
    link = None
    if 0 < len(secret) <= MAX_SECRET_LENGTH:
        link = db.session.scalar(select(ExpertLink).where(ExpertLink.token_hash == hash_secret(secret)))
    if link is None:
        record(REFUSED, object_type="expert_link", summary="unknown link", actor_label=EXPERT_THROUGH_LINK)
        return None, "unknown"
    state = "revoked" if link.revoked_at is not None else "expired" if now >= link.expires_at else "ok"
    if state == "ok" and link.expert.anonymised_at is not None:
        state = "revoked"
    if state != "ok":
        record(REFUSED, object_type="expert", object_id=link.expert_id, institution_id=link.expert.institution_id,
               summary=f"{state} personal link #{link.id}", actor_label=EXPERT_THROUGH_LINK)
        return link, state
    if link_throttled(link, now):
        return None, "throttled"
    record(USED, object_type="expert", object_id=link.expert_id, institution_id=link.expert.institution_id,
           summary=f"personal link #{link.id}: {request.method} {request.endpoint}", actor_label=EXPERT_THROUGH_LINK)
    link.last_used_at = now
    return link, "ok"


# --- the e-mail ----------------------------------------------------------------------------------------------


def link_url(secret: str) -> str:
    """The link as seen from outside: BASE_URL (with the path the app is mounted at, if any)."""
    path = url_for("me.home", secret=secret)
    return current_app.config["BASE_URL"] + path[len(request.script_root):]


def _message(expert: Expert, link: ExpertLink, secret: str, actor: User, locale: str):
    with force_locale(locale):
        subject = _("Your data in the national pool of civilian experts")
        values = {"subject": subject, "link": link_url(secret), "locale": locale, "expert": expert,
                  "sender": actor, "until": link.expires_at.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M"),
                  "days": current_app.config["EXPERT_LINK_DAYS"]}
        text, html = (render_template(f"emails/expert_link.{kind}", **values) for kind in ("txt", "html"))
    local = f"expert-link-{link.id}-{hashlib.sha256(secret.encode()).hexdigest()[:12]}"
    mail = build_message(to=expert.email, subject=subject, text=text, html=html, message_id=message_id(local))
    mail["Auto-Submitted"] = "auto-generated"
    return local, mail


