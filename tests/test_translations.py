"""The Polish catalogue: complete, placeholders intact, in step with the source, and served to users who pick Polish."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from seconding.models import Role

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "seconding" / "translations"
PO = TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# Python-format placeholders, with their conversion: %(days)d and %(days)s are not interchangeable.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
# The same keywords as `make translations` (babel.cfg plus -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="pl")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _entries():
    return [m for m in _catalog() if m.id]


def test_every_message_is_translated_and_not_fuzzy():
    catalog = _catalog()
    assert catalog.num_plurals == 3, "Polish needs three plural forms (1 / 2-4 / 5+)"
    problems = []
    for m in _entries():
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        if isinstance(m.id, tuple) and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} plural forms instead of {catalog.num_plurals}: {m.id!r}")
        if not all(form and form.strip() for form in forms):
            problems.append(f"untranslated: {m.id!r}")
    assert not problems, "\n".join(problems)


def test_placeholders_are_kept_in_every_form():
    problems = []
    for m in _entries():
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        expected = _placeholders(ids[0])
        assert all(_placeholders(i) == expected for i in ids), f"msgid and msgid_plural differ: {m.id!r}"
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        for form in forms:
            if _placeholders(form) != expected:
                problems.append(f"{m.id!r}: expected {sorted(expected)}, got {sorted(_placeholders(form))} in {form!r}")
    assert not problems, "\n".join(problems)


def test_the_catalogue_covers_every_wrapped_string():
    """A new or changed string fails here until `make translations` is run and the entry is translated."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)  # patterns relative to the root, as `pybabel extract .`
    skipped = {"node_modules", "tests", "bench"}
    in_source = {
        message[0] if isinstance(message, tuple) else message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map=method_map, options_map=options_map, keywords=KEYWORDS,
            directory_filter=lambda d: not os.path.basename(d).startswith(".") and os.path.basename(d) not in skipped)
    }
    in_catalogue = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _entries()}
    missing = sorted(in_source - in_catalogue)
    assert not missing, ("Strings not in the Polish catalogue; run `make translations` and translate them:\n"
                         + "\n".join(repr(s) for s in missing))


@pytest.fixture(scope="module")
def compiled(app):
    """The .mo the app reads: built from the .po when missing or older (as `make` would), then loaded afresh."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        fd, tmp = tempfile.mkstemp(dir=MO.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, _catalog())
            os.chmod(tmp, 0o644)
            os.replace(tmp, MO)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    with app.app_context():  # forget a catalogue loaded before this one
        app.extensions["babel"].instance.domain_instance.cache.clear()
    return MO


def test_a_user_who_picks_polish_gets_polish_pages(compiled, client, login, make_user, db):
    user = make_user(Role.COORDINATOR)
    user.locale = "pl"
    db.session.commit()
    login(user)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="pl">' in html
    for polish in ("Pulpit", "Wyloguj się", "Sprawy wymagające uwagi", "Eksperci", "Nominacje"):
        assert polish in html, polish
    for english in ("Sign out", "What needs attention", "Dashboard"):
        assert english not in html, english
    experts = client.get("/experts/").get_data(as_text=True)
    assert "Znaleziono 0 ekspertów" in experts  # ngettext, the 0 / 5+ form


def test_a_user_who_keeps_english_gets_english_pages(compiled, client, login, make_user):
    login(make_user(Role.COORDINATOR))
    html = client.get("/").get_data(as_text=True)
    assert "Dashboard" in html and "Sign out" in html and "Pulpit" not in html
