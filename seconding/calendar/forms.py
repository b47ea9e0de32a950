"""The account page's calendar forms: buttons only (make or replace the URL, revoke it)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField


class CalendarTokenForm(FlaskForm):
    """Make (or replace) the private calendar URL; `once` keeps a reload from making another."""

    once = HiddenField()


class RevokeCalendarForm(FlaskForm):
    """Revoke the private calendar URL (the user has at most one live one)."""
