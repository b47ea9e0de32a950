"""The digest as an e-mail: subject, plain text and HTML from templates, in the recipient's language, with
absolute links built from BASE_URL."""
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from seconding.digest.content import Content
from seconding.models import User


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def period_start(period: str) -> date:
    year, month = period.split("-")
    return date(int(year), int(month), 1)


def render(user: User, period: str, content: Content) -> Rendered:
    """The recipient's digest of the period, exactly as it is sent (and previewed)."""
    app = current_app._get_current_object()
    with app.test_request_context("/", base_url=app.config["BASE_URL"]), force_locale(user.locale or "en"):
        def link(endpoint: str, **values) -> str:
            return url_for(endpoint, _external=True, **values)

        subject = _("Compliance digest %(period)s: what needs attention in your scope", period=period)
        values = {"user": user, "period": period, "c": content, "link": link, "subject": subject,
                  "institution": user.institution}
        text = re.sub(r"\n{3,}", "\n\n", render_template("emails/digest.txt", **values)).strip() + "\n"
        return Rendered(subject, text, render_template("emails/digest.html", **values))
