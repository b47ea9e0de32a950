"""Small helpers shared by the forms of several areas."""
import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from seconding import transaction
from seconding.dates import EARLIEST, LATEST, in_range
from seconding.errors import Refusal

_WHOLE = re.compile(r"[0-9]{1,10}")


def whole_number(value: str | int | None) -> int | None:
    """A whole number written with the digits 0-9 (at most ten of them), or None. `str.isdigit()` is not enough:
    it also accepts "²" and other digits that int() refuses."""
    text = "" if value is None else str(value)
    return int(text) if _WHOLE.fullmatch(text) else None


def form_version(value: str | int | None) -> int:
    """The record version a form was opened at; -1 (never current) when the form does not carry a readable one,
    so a tampered or truncated form is treated as stale rather than skipping the optimistic-locking check."""
    number = whole_number(value)
    return -1 if number is None else number


class PlainSelect(Select):
    """WTForms' select widget writing the same HTML with less work per option: a language list has 184 options,
    and the generic attribute writer was most of the time of the pages that show one."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or type(choice.value) is not str:  # Markup, numbers: WTForms' way
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(choice.value)}">'
                      f"{escape(choice.label or choice.value)}</option>")


def show_refusal(form, refusal: Refusal, default: str) -> None:
    """A service refused the change: undo what the request flushed and show the message at the field it names
    (or at `default`), so the page answers with the form, its error summary and the input kept."""
    transaction.refused()
    field = form._fields.get(refusal.field) or form._fields[default]
    field.errors = [*field.errors, str(refusal)]


class Plausible:
    """Validator: a date between the years the app deals with (seconding.dates.in_range)."""

    def __call__(self, form, field) -> None:
        if not in_range(field.data):
            raise ValidationError(_l("Use a date from %(a)s to %(b)s.", a=EARLIEST.isoformat(), b=LATEST.isoformat()))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (courses are few)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
