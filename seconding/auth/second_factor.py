"""The second factor: TOTP codes (RFC 6238, through pyotp) and single-use recovery codes.

A code is accepted in the current 30-second time step and one step either side (a phone's clock a little off), and
only once: the last accepted step is stored, and no code of that step or an earlier one is accepted again (the
update is conditional, so two requests racing with the same code cannot both pass). Recovery codes are stored
hashed, with a salt each, and each is used once.
"""
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from seconding.audit.services import record
from seconding.auth import services
from seconding.errors import Refusal
from seconding.extensions import db
from seconding.models import RecoveryCode, User

STEP_SECONDS = 30
WINDOW = 1  # steps accepted either side of the current one
RECOVERY_CODES = 10
# Recovery codes: 16 characters of an alphabet without look-alikes (80 bits), written in groups of four.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_HASH = "pbkdf2:sha256:10000"  # high-entropy codes: a salted hash suffices, ten checks stay cheap


def required_for(user: User) -> bool:
    """Whether the user's role must have a second factor (MFA_REQUIRED_ROLES)."""
    return user.role.value in set(current_app.config.get("MFA_REQUIRED_ROLES", ()))


def normalise(code: str | None) -> str:
    """A code as typed, without spaces or dashes, lower-cased (authenticator apps show "123 456")."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def matching_step(secret: str, code: str, last_step: int | None, for_time: float) -> int | None:
    """The time step whose code `code` is, within the window around `for_time` (seconds since the epoch) and after
    `last_step`; None if there is none. A pure function: the tests pass the time."""
    code = normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(for_time) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def wrong_code_message() -> str:
    """What a refused code is told (at sign-in and when turning the factor off)."""
    return _("This code is wrong or was used already. Type the six digits the app shows now, or one of your "
             "recovery codes.")


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=current_app.config.get("MFA_ISSUER", "Seconding"))


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code of `uri` as inline SVG, drawn on the server (no outside service; no inline style)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, light="#fff", title=title)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def start_enrolment(user: User) -> None:
    """Give the user a new secret to enrol, unless one is pending already (a reload shows the same QR code)."""
    if user.has_second_factor:
        raise Refusal("already enrolled")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        user.totp_last_step = None
        db.session.flush()


def confirm_enrolment(user: User, code: str, now: datetime) -> list[str]:
    """Switch the second factor on with a first code of the pending secret; the new recovery codes (plain, to show
    once). Refusal if there is no pending enrolment or the code is wrong."""
    if user.has_second_factor or not user.totp_secret:
        raise Refusal(_("There is no set-up in progress: open the page again to start it."), "code")
    step = matching_step(user.totp_secret, code, None, now.timestamp())
    if step is None:
        raise Refusal(_("This code is wrong or too old. Type the six digits the app shows now."), "code")
    user.totp_enrolled_at = now
    user.totp_last_step = step
    codes = _new_recovery_codes(user, now)
    record("second_factor_enrolled", object_type="user", object_id=user.id, institution_id=user.institution_id,
           summary=f"{len(codes)} recovery codes")
    return codes


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _i in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, created_at=now,
                                    code_hash=generate_password_hash(raw, method=_RECOVERY_HASH)))
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user has."""
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def verify(user: User, code: str, now: datetime) -> str | None:
    """Check a code of the user's second factor: "totp" or "recovery" when it is accepted (and from then on spent),
    None when not. Audits a recovery code used; a refused code is audited by the caller (sign-in counts it as a
    failure)."""
    if not user.has_second_factor or not user.totp_secret:
        return None
    typed = normalise(code)
    if len(typed) == 6 and typed.isdigit():
        step = matching_step(user.totp_secret, typed, user.totp_last_step, now.timestamp())
        if step is None:
            return None
        # Spent only if no other request spent this step (or a later one) in the meantime.
        spent = db.session.execute(update(User).where(
            User.id == user.id, (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        ).values(totp_last_step=step).execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            return None
        db.session.refresh(user, ["totp_last_step"])
        return "totp"
    if len(typed) != 16:
        return None
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))):
        if check_password_hash(row.code_hash, typed):
            used = db.session.execute(update(RecoveryCode).where(
                RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None)).values(used_at=now)
                .execution_options(synchronize_session=False))
            if used.rowcount != 1:
                return None
            db.session.refresh(row)
            record("second_factor_recovery_used", object_type="user", object_id=user.id, actor=user,
                   institution_id=user.institution_id, summary=f"{recovery_codes_left(user)} left")
            return "recovery"
    return None


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def disable(user: User, code: str, now: datetime) -> bool:
    """Switch the user's own second factor off, proven with a current code or a recovery code (re-enrolment
    starts from here). False if the code is wrong: nothing changes but the audit of the refused code."""
    if not user.has_second_factor:
        return False
    if verify(user, code, now) is None:
        record("second_factor_refused", object_type="user", object_id=user.id, institution_id=user.institution_id,
               summary="turning off")
        return False
    _clear(user)
    record("second_factor_disabled", object_type="user", object_id=user.id, institution_id=user.institution_id)
    return True


def reset_by_admin(user: User) -> bool:
    """An admin removes a user's second factor (a lost phone): the user enrols again; audited with the admin as
    the actor. False if the user had none (nothing changes)."""
    if not user.has_second_factor and not user.totp_secret:
        return False
    _clear(user)
    record("second_factor_reset", object_type="user", object_id=user.id, institution_id=user.institution_id,
           summary=f"second factor of {user.email} removed by an admin")
    return True


def sign_in_with_code(user: User, code: str, client_address: str | None, now: datetime,
                      first_locale: str | None = None) -> tuple[User | None, bool]:
    """The second step of sign-in, after a correct password: the user if the code is accepted (the sign-in is then
    finished), else None. A wrong code counts towards the account's lockout and the address's throttle as a wrong
    password does (audited as a failed sign-in); a locked or deactivated account or a throttled address is refused
    without the code being tried. The second value says whether the pending sign-in must end (no more tries)."""
    if services.address_throttled(client_address):
        record("sign_in_throttled", object_type="user", object_id=user.id, summary="too many failures from this "
               "address (second factor)", institution_id=user.institution_id, actor=user, actor_label=user.email)
        return None, True
    if user.locked_until is not None and user.locked_until > now:
        services.count_failure(user, "locked")
        return None, True
    if not user.active:
        services.count_failure(user, "inactive account")
        return None, True
    if verify(user, code, now) is None:
        services.count_failure(user, "wrong second-factor code")
        return None, user.locked_until is not None and user.locked_until > now
    return services.finish_sign_in(user, first_locale), False
