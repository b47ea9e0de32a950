"""The forms of an HTML page as a browser would submit them (the load section and the concurrency tests)."""
import html.parser


class Forms(html.parser.HTMLParser):
    """The forms of a page as a browser would submit them: action and (name, value) pairs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._multiple = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append([a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([a["name"], ""])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1]["fields"][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]  # a single select without a selection sends its first option
            self.forms[-1]["fields"] += [[self._select, v] for v in chosen]
            self._select = None


def page_forms(text: str) -> list[dict]:
    """Every form of the page: {"action": ..., "fields": [[name, value], ...]}."""
    parser = Forms()
    parser.feed(text)
    return parser.forms


def find_form(text: str, name: str, value: str = "") -> dict | None:
    """The first form holding a field `name` (with that value, if given)."""
    for form in page_forms(text):
        if any(n == name and (not value or v == value) for n, v in form["fields"]):
            return form
    return None
