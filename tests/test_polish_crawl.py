"""Every page of the route table, and the demo's objects in their other states, in Polish, for every role allowed on
it (over the demo data, tests/polish_crawl.py): no code where a person reads, no message left in English, no English
word; and the HTML of every page is valid (the Nu HTML Checker).

What counts as a code (decided here):
- every value of the models' enumerations of three characters or more (BORDER_GUARD, TOP_SECRET, B_4X4, native,
  pre_deployment, not_selected, hr_officer, ...): a page shows their labels. Shorter values are read as such: the
  CEFR levels (A1 ... C2) are the scale's own names, a sex or a driving licence of one letter is never shown bare;
- the codes of the institutions (MFA, POLICE, BORDER_GUARD, ...; allowed: MF, which is also the Polish abbreviation
  of the Ministerstwo Finansów) and of the expertise areas (community_policing, customs, ...): a page shows the
  institution's short name in its language (MSZ, Policja, ...) and the area's name;
- the matching rules' codes with an underscore (driving_licence, clearance_expiry, pool_status);
- a change of state written as "a -> b".
Not codes: a course's code (PDT, HEAT, CEPOL) is its short name, typed by the admin who adds the course, and shown
with its full name; the references of CfCs, positions, NIP actions and Compact commitments, and the missions'
acronyms, are what people call these things; the EU marking after a Polish clearance ("TAJNE (SECRET UE)"); what a
page shows as code on purpose (<code>: a machine file's columns, an institution's code on the admin's list) and the
values a machine file's columns take on the pages that describe the file (FILE_FORMATS).
What people typed (any stored text: names, titles, a motivation written in English for the EEAS) is theirs, not the
app's: it is left out of the checks (tests/polish_crawl.py stored_phrases), as is what a page marks as English
(lang="en": the audit log's summaries, as recorded) from the checks of English words.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from enum import Enum
from pathlib import Path
from urllib.parse import unquote

import pytest
from babel.messages.pofile import read_po

from seconding.labels import RULE_LABELS
from seconding.models import Institution, Role
from tests.polish_crawl import page_urls, pages, seed_demo_and_table, stored_phrases, visible_text

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "seconding" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Words of English that Polish text never has (whole words, case as written). Not: "a", "i", "w", "to", "do", "on",
# "no", "by", "na" (Polish words too).
ENGLISH = ("the", "and", "of", "with", "for", "is", "are", "not", "or", "from", "this", "your", "you", "yet", "has",
           "have", "Save", "Cancel", "Nothing", "None", "expert", "experts", "Expert", "Experts", "missing", "Submit",
           "Edit", "Delete", "Add", "Search", "Yes", "Download", "Name", "Date", "Show", "Back", "Open", "Close",
           "Sign", "Please", "here", "There", "must", "will", "should")
# Pages that describe a machine file's columns: the values a cell may hold are codes, and shown as such.
FILE_FORMATS = {"register.index", "missions.import_positions"}
# The matching rules' codes that are no word (seconding/labels.py RULE_LABELS: messages name the rule by its label).
RULE_CODES = {code for code in RULE_LABELS if "_" in code}
# Institutions whose code is also their short name in Polish (Ministerstwo Finansów: MF).
SAME_AS_CODE = {"MF"}
# A clearance reads in Polish with its EU equivalent after it: "TAJNE (SECRET)" (SPEC §6): the marking, not a code.
EU_MARKING = re.compile(r"\((?:RESTRICTED|CONFIDENTIAL|SECRET|TOP SECRET|[A-Z ]+ UE)\)")
# Fields whose syntax has a word of code the user types: the position's languages ("en:C1; pl:native").
INPUT_SYNTAX = {"missions.new_position": {"native"}, "missions.edit_position": {"native"}}
ARROW = re.compile(r"\w+ ?-> ?\w+")
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
# Proper names and names kept in their own language (the missions' official names are English, as the EEAS writes
# them; a course's name is the training provider's).
PROPER = ("EULEX", "EUMM", "EUAM", "EUMA", "EUPM", "EUBAM", "EUPOL", "EUCAP", "Goalkeeper",
          # the Compact's clusters and pillars by their official names, quoted in the Polish hint
          "More capable, More effective, flexible and responsive, More joined-up", "Act, Secure, Invest, Partner",
          # the name an anonymised record keeps (seconding/register/anonymise.py), quoted as stored
          "Anonymised expert")


def _enum_values() -> set[str]:
    import seconding.models as models

    found = set()
    seen = set()
    stack = [Enum]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            if sub.__module__.startswith("seconding.models"):
                found.update(str(m.value) for m in sub if isinstance(m.value, str))
    assert models  # the models' modules are imported with the package
    return {v for v in found if len(v) >= 3}


def _catalogue() -> set[str]:
    """The msgids a Polish page must not show: every message of the catalogue but those whose Polish is the English
    (an entry not translated yet, or fuzzy, counts: the page shows its English)."""
    with PO.open("rb") as f:
        catalog = read_po(f, locale="pl")
    out = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid in ids:
            if m.fuzzy or msgid not in forms:
                out.add(msgid)
    return out


PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
# English messages that are also Polish, or that read the same in a Polish sentence (names of things).
# ("Profile": profiles; "ASAP": what Polish officials write too, and the annex's date column takes it).
SAME_IN_POLISH = {"Status", "Data", "Portal", "Monitoring", "Partner", "Profile", "ASAP"}


def _message_pattern(msgid: str) -> re.Pattern | None:
    """A msgid as it would read on a page: placeholders stand for any text; None for messages too short or too
    generic to tell (one word under four letters) or carrying markup."""
    if "<" in msgid or "\n" in msgid.strip():
        return None
    text = re.sub(r"\s+", " ", msgid.strip())
    parts = PLACEHOLDER.split(text)
    literal = "".join(parts).strip()
    if len(re.sub(r"[^A-Za-z]", "", literal)) < 4 or text in SAME_IN_POLISH:
        return None
    if len(parts) == 1 and " " not in text and not text[0].isupper():
        return None  # a single lower-case word ("active") is the enum check's or the word list's
    body = ".+?".join(re.escape(p) for p in parts)
    return re.compile(r"(?<![\w])" + body + r"(?![\w])")


def _words(tokens) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, tokens), key=len, reverse=True)) + r")(?![\w-])")


@pytest.fixture(scope="module")
def crawl(app, module_db, polish, tmp_path_factory):
    """The crawl, once for the module: {(role, page name): (status, mimetype, html, url)}, the HTML files for the
    checker, and the reference codes and the stored text read from the database."""
    from sqlalchemy import select, update

    from seconding.extensions import db
    from seconding.models import ExpertiseArea, Mission, User
    from tests.conftest import PASSWORD, user_factory

    institutions = {i.code: i for i in db.session.scalars(select(Institution))}
    ctx, demo = seed_demo_and_table(institutions)
    make_user = user_factory(institutions)
    readers = {role: make_user(role, "MFA", email=f"crawl.{_who(role)}@example.org", name=name)
               for role, name in zip(Role, ("Anna Nowak", "Jan Kowalski", "Ewa Wiśniewska", "Piotr Zieliński"),
                                     strict=True)}
    db.session.execute(update(User).values(locale="pl"))  # every user reads Polish (the digest's recipients too)
    db.session.commit()
    # The URLs first: a request ends the session the table's objects live in.
    urls = page_urls(app, ctx, demo, readers)
    names = {
        "institutions": set(institutions),
        "areas": set(db.session.scalars(select(ExpertiseArea.code))),
        "proper": stored_phrases() | set(db.session.scalars(select(Mission.host_country))) | set(PROPER),
    }
    out_dir = tmp_path_factory.mktemp("crawl")
    results = {}
    files = {}
    for role in (None, *Role):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl-PL,pl;q=0.9,en;q=0.5"
        if role is not None:
            response = client.post_form("/sign-in", {"email": f"crawl.{_who(role)}@example.org",
                                                     "password": PASSWORD})
            assert response.status_code == 302
        for name, _endpoint, _args, roles in pages(demo):  # name: the endpoint, or "endpoint[the demo's state]"
            if role not in roles:
                continue
            response = client.get(urls[role, name])
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            results[role, name] = (response.status_code, response.mimetype, html, urls[role, name])
            if html:
                path = out_dir / f"{_who(role)}--{name}.html"
                path.write_text(html, encoding="utf-8")
                files[str(path)] = (role, name)
        db.session.remove()
    return {"results": results, "files": files, "names": names}


@pytest.fixture(scope="module")
def polish(app):
    """The Polish catalogue as the .po has it now (its translated, not fuzzy entries, as `make` compiles it), served
    to the crawl whatever the compiled .mo on disk holds."""
    import io

    from babel.messages.mofile import write_mo
    from babel.support import Translations

    with PO.open("rb") as po:
        catalog = read_po(po, locale="pl")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    cache = app.extensions["babel"].instance.domain_instance.cache
    cache.clear()
    cache["pl", "messages"] = Translations(buffer)
    yield catalog
    cache.clear()


def _who(role) -> str:
    return "anonymous" if role is None else role.value


def _page_texts(crawl, keep_english=True):
    for (role, endpoint), (_status, _mimetype, html, url) in crawl["results"].items():
        if html:
            yield role, endpoint, url, visible_text(html, keep_english)


def _without_addresses(text: str) -> str:
    """Without e-mail addresses and links (coordinator@..., https://.../experts/12), and EU markings."""
    return EU_MARKING.sub(" ", ADDRESS.sub(" ", text))


def _without_proper_names(text: str, names) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    return text


def test_every_page_answers(crawl):
    bad = [(_who(role), endpoint, status) for (role, endpoint), (status, *_r) in crawl["results"].items()
           if status != 200]
    assert len(crawl["results"]) > 250 and bad == []


def test_no_code_where_a_person_reads(crawl):
    """Polish text: no value of an enumeration, no institution or expertise area code. What a page marks as English
    (lang="en": an audit summary as recorded, a name in English) may have English words, and acronyms, but no code
    either (no underscore, no upper-case enumeration value, no arrow)."""
    names = crawl["names"]
    codes = (_enum_values() | names["institutions"] | names["areas"] | RULE_CODES) - SAME_AS_CODE
    polish = _words(codes)
    english = _words({c for c in codes if "_" in c or c.isupper()} - names["institutions"])
    problems = []
    for role, endpoint, _url, text in _page_texts(crawl):
        if endpoint in FILE_FORMATS:
            continue
        text = _without_proper_names(_without_addresses(text), names["proper"])
        found = {m.group(0) for m in english.finditer(text)} | {m.group(0) for m in ARROW.finditer(text)}
        polish_text = _without_proper_names(_without_addresses(visible_text(crawl["results"][role, endpoint][2],
                                                                            keep_english=False)), names["proper"])
        found |= {m.group(0) for m in polish.finditer(polish_text)}
        found -= INPUT_SYNTAX.get(endpoint, set())
        if found:
            problems.append(f"{_who(role)} {endpoint}: {', '.join(sorted(found))}")
    assert not problems, f"{len(problems)} pages show codes:\n" + "\n".join(problems)


def test_no_message_left_in_english(crawl):
    patterns = [(msgid, p) for msgid, p in ((m, _message_pattern(m)) for m in _catalogue()) if p is not None]
    problems = []
    for role, endpoint, _url, text in _page_texts(crawl, keep_english=False):
        text = _without_proper_names(_without_addresses(text), crawl["names"]["proper"])
        found = sorted({msgid for msgid, p in patterns if p.search(text)}
                       - (crawl["names"]["institutions"] if endpoint in FILE_FORMATS else set()))
        if found:
            problems.append(f"{_who(role)} {endpoint}: {found}")
    assert not problems, f"{len(problems)} pages show untranslated messages:\n" + "\n".join(problems)


def test_no_english_word(crawl):
    pattern = _words(ENGLISH)
    problems = []
    for role, endpoint, _url, text in _page_texts(crawl, keep_english=False):
        text = _without_proper_names(_without_addresses(text), crawl["names"]["proper"])
        lines = sorted({line for line in text.splitlines() if pattern.search(line)})
        if lines:
            problems.append(f"{_who(role)} {endpoint}: {lines[:8]}")
    assert not problems, f"{len(problems)} pages have English words:\n" + "\n".join(problems)


def _java() -> str | None:
    return shutil.which("java")


def test_every_page_is_valid_html(crawl):
    """The Nu HTML Checker, run once over every page of the crawl (one JVM): no error."""
    missing = [what for what, ok in (("java", _java()), (str(VNU), VNU.exists())) if not ok]
    if missing:
        reason = f"the HTML check needs {', '.join(missing)} (apt-get install default-jre-headless; npm ci)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and REQUIRE_BROWSER=1", pytrace=False)
        pytest.skip(reason)
    files = sorted(crawl["files"])
    run = subprocess.run([_java(), "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors = [m for m in report["messages"] if m.get("type") == "error" or m.get("subType") == "fatal"]
    lines = []
    for m in errors:
        role, endpoint = crawl["files"].get(unquote(m.get("url", "").removeprefix("file:")), ("?", m.get("url")))
        lines.append(f"{_who(role) if role != '?' else role} {endpoint} line {m.get('lastLine')}: {m['message']} "
                     f"[{m.get('extract', '').strip()[:80]}]")
    print(f"{len(errors)} HTML errors on {len({line.split(' line ')[0] for line in lines})} of {len(files)} pages",
          file=sys.stderr)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(lines)
