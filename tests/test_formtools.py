"""Form helpers shared by several areas: the plain select writes exactly what WTForms' own select writes."""
import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField

from seconding.formtools import PlainSelect

CHOICES = [("", "—"), ("en", "English"), ("fr", 'Fr"an<ç>&ais'), ('x"y', "q"), ("z", ""), (Markup('m"q'), "m"),
           (3, "three")]


class Generic(Form):
    field = SelectField(choices=CHOICES)


class Plain(Form):
    field = SelectField(choices=CHOICES, widget=PlainSelect())


@pytest.mark.parametrize("chosen", [None, "en", "fr", 'x"y', "unknown"])
def test_plain_select_writes_the_same_html_as_wtforms(chosen):
    data = MultiDict({"field": chosen} if chosen is not None else {})
    generic, plain = Generic(data)["field"], Plain(data)["field"]
    assert plain(class_="usa-select") == generic(class_="usa-select")
    html = plain()
    assert "&lt;ç&gt;&amp;" in html and "<ç>" not in html  # labels and values escaped
    if chosen in ("en", "fr"):
        assert html.count(" selected ") == 1


def test_the_expert_list_filter_keeps_the_chosen_language(client, make_user, login):
    from seconding.models import Role

    login(make_user(Role.COORDINATOR, "MFA"))
    html = client.get("/experts/?language=de").get_data(as_text=True)
    assert '<option selected value="de">' in html
    assert html.count("<option selected") == 1  # the chosen language, and no other option of the page
