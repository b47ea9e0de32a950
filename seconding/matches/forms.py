"""Filters of the match pages, read from the query string (GET, no CSRF: they change nothing)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from seconding.formtools import Plausible

SHOW_CHOICES = [("eligible", _l("Eligible experts only")), ("all", _l("Include ineligible experts, with blockers"))]
SHOW_POSITIONS = [("eligible", _l("Positions the expert is eligible for")),
                  ("all", _l("All open positions, with blockers"))]


class _QueryForm(FlaskForm):
    class Meta:
        csrf = False


class PositionMatchFilters(_QueryForm):
    as_of = DateField(_l("As of"), description=_l("Evaluate readiness on this date (default today)."),
                      format="%Y-%m-%d", validators=[Optional(), Plausible()])
    show = SelectField(_l("Show"), choices=SHOW_CHOICES, default="eligible")
    institution = SelectField(_l("Institution"), choices=[], default="")


class ExpertMatchFilters(_QueryForm):
    as_of = DateField(_l("As of"), description=_l("Evaluate readiness on this date (default today)."),
                      format="%Y-%m-%d", validators=[Optional(), Plausible()])
    show = SelectField(_l("Show"), choices=SHOW_POSITIONS, default="eligible")


class PlanFilters(_QueryForm):
    as_of = DateField(_l("As of"), description=_l("Evaluate readiness on this date (default today)."),
                      format="%Y-%m-%d", validators=[Optional(), Plausible()])
