"""Routes of the foundation: dashboard, sign-in, account, audit, users."""
from tests.routes.common import ADMIN, ALL, COORD, PUBLIC

ROUTES = {
    "main.dashboard": (("GET",), ALL, None, None),
    "main.healthz": (("GET",), PUBLIC, None, None),
    "main.favicon": (("GET",), PUBLIC, None, None),
    "auth.sign_in": (("GET",), PUBLIC, None, None),
    "auth.sign_out": (("POST",), ALL, None, {}),
    "auth.language": (("POST",), PUBLIC, None, {"locale": "pl", "next": "/account"}),
    "auth.account": (("GET", "POST"), ALL, None, {"pref-locale": "pl", "pref-submit": "1"}),
    # The code after the password: only with a pending sign-in; without one, back to sign-in (302).
    "second_factor.sign_in_code": (("POST",), PUBLIC, None, {"code": "123456"}),
    # A wrong code (the secret is made on the page): the form again, 200 (PAGE_AFTER_POST).
    "second_factor.setup": (("GET", "POST"), ALL, None, {"code": "000000"}),
    "second_factor.turn_off": (("POST",), ALL, None, {"code": "000000", "action": "off"}),
    "second_factor.admin_reset": (("POST",), ADMIN, lambda ctx: {"user_id": ctx["target"].id}, {}),
    "audit.index": (("GET",), COORD, None, None),
    "admin.users": (("GET",), ADMIN, None, None),
    "admin.institutions": (("GET",), ADMIN, None, None),
    "admin.new_user": (("GET", "POST"), ADMIN, None,
                       lambda ctx: {"email": "new.person@example.org", "name": "New Person", "role": "viewer",
                                    "institution_id": ctx["institutions"]["POLICE"].id, "active": "y",
                                    "password": "a long password 1"}),
    "admin.edit_user": (("GET", "POST"), ADMIN, lambda ctx: {"user_id": ctx["target"].id},
                        lambda ctx: {"email": ctx["target"].email, "name": "Renamed", "role": "admin",
                                     "institution_id": ctx["institutions"]["MFA"].id, "active": "y",
                                     "version": str(ctx["target"].version)}),
}
