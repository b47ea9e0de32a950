"""Property-based: hostile and random input in every field of every form of the route table.

Whatever is typed, no form answers 500, a refused submission changes nothing, and no script comes back
unescaped. The forms and their valid data come from the route × role table (tests/routes/), so a new form is
covered as soon as its row is there.
"""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seconding.models import Role
from tests.routes import ROUTES
from tests.test_routes import _url, snapshot

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    SCRIPT, '"><img src=x onerror=alert(1)>', "' OR '1'='1' --", "=HYPERLINK(\"http://evil\")", "@SUM(1+1)",
    "-1", "0", "99999999999999999999999", "1e309", "NaN", "²", "٣", "7" * 5000,
    "2026-02-30", "30/02/2026", "9999-12-31", "0001-01-01",
    "../../../etc/passwd", "a" * 5000, "\u202eevil", "żółć ŻÓŁĆ", "🙂" * 10, " ", "\t\r\n", "%00", "${7*7}",
    "{{7*7}}", "javascript:alert(1)", "null", "true", "[]", "{}",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40).filter(lambda s: "\x00" not in s))
POST_ROUTES = sorted(endpoint for endpoint, (methods, roles, _args, data) in ROUTES.items()
                     if "POST" in methods and roles is not None and data is not None)


def _form(context, data) -> dict:
    return dict(data(context) if callable(data) else data)


def _role(roles) -> Role:
    return Role.ADMIN if Role.ADMIN in roles else sorted(roles, key=lambda r: r.value)[0]


@pytest.mark.parametrize("endpoint", POST_ROUTES)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(field_index=st.integers(min_value=0, max_value=50), value=VALUES)
def test_hostile_input_in_any_field(app, client, ctx, make_user, login, endpoint, field_index, value):
    _methods, roles, args, data = ROUTES[endpoint]
    from seconding.extensions import db
    from seconding.models import User

    email = f"fuzz.{endpoint}@example.org"
    login(db.session.scalar(db.select(User).where(User.email == email))
          or make_user(_role(roles), "MFA", email=email))
    form = _form(ctx, data)
    fields = [k for k, v in form.items() if not isinstance(v, tuple)] or ["extra"]
    name = fields[field_index % len(fields)]
    form[name] = value
    for key, item in list(form.items()):  # uploads: send fresh file objects, with the hostile text as a file too
        if isinstance(item, tuple):
            form[key] = (io.BytesIO(value.encode("utf-8", "surrogatepass")), "hostile.csv")
    url = _url(app, endpoint, args(ctx) if args else None)
    before = snapshot()
    response = client.post_form(url, form, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code != 500, (endpoint, name, value, body[:500])
    assert response.status_code < 500
    refused = response.status_code >= 400 or 'role="alert"' in body and "usa-alert--error" in body
    if refused:
        assert snapshot() == before, (endpoint, name, value)
    if SCRIPT in value:
        assert SCRIPT not in body, (endpoint, name)
