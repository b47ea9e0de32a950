"""Every kind of notification e-mail, and the daily summary of them all, as a Polish reader gets it: no message left
in English, no English word, no code (the crawl, tests/test_polish_crawl.py, reads the pages the same way).

Each kind's parameters are those its event writes (seconding/notifications/events.py, seconding/care/services.py),
with every status, action and incident kind it can carry: a label missing for one of them shows its code."""
import pytest

from seconding.models import Notification, Role
from seconding.models.care import IncidentKind
from seconding.nominations.workflow import ACTION_LABELS, NOMINATION_STATUS_LABELS
from seconding.notifications.content import WRITERS
from seconding.notifications.delivery import message
from tests.polish_crawl import visible_text
from tests.test_polish_crawl import ADDRESS, ENGLISH, _catalogue, _enum_values, _message_pattern, _words

NOMINATION = {"nomination": 1, "expert": "Anna Nowak", "position": "GEO 7", "cfc": "EUMM Georgia 1-2030",
              "actor": "Ewa Kadrowa", "comment": "Proszę uzupełnić CV.", "day": "2030-01-15"}


def _samples() -> list[tuple[str, dict]]:
    steps = [(action, "submitted") for action in ACTION_LABELS] + [("forward", s) for s in NOMINATION_STATUS_LABELS]
    samples = [(kind, NOMINATION | {"action": action, "from": "draft", "status": status})
               for kind in ("nomination_submitted", "nomination_returned", "nomination_eeas")
               for action, status in steps]
    samples.append(("cfc_opened", {"cfc": 1, "reference": "EUMM Georgia 1-2030", "mission": "EUMM Georgia",
                                   "national": "2030-02-01 12:00", "positions": [["GEO 7", "Monitor", 1],
                                                                                 ["GEO 8", "Analityk", 3]]}))
    samples += [("deadline", {"cfc": 1, "reference": "EUMM Georgia 1-2030", "national": "2030-02-01 12:00",
                              "days": days, "positions": ["GEO 7", "GEO 8"]}) for days in (7, 2, 1, 0, -1)]
    samples += [("tour_ending", {"deployment": 1, "expert": "Anna Nowak", "mission": "EUMM Georgia",
                                 "end": "2030-06-30", "days": days}) for days in (60, 30, 1)]
    samples += [("nip_due", {"action": 1, "code": "NIP-1", "title": "Szkolenia przedwyjazdowe", "due": "2030-03-31",
                             "days": days}) for days in (30, 0, -5)]
    samples += [("incident", {"deployment": 1, "incident": 1, "expert": "Anna Nowak", "mission": "EUMM Georgia",
                              "location": location, "kind": kind.value, "on": "2030-01-20", "by": by})
                for kind in IncidentKind for location, by in (("Zugdidi", "Ewa Kadrowa"), ("", ""))]
    assert {kind for kind, _params in samples} == set(WRITERS)
    return samples


@pytest.fixture(scope="module")
def checks():
    patterns = [(msgid, p) for msgid, p in ((m, _message_pattern(m)) for m in _catalogue()) if p is not None]
    return patterns, _words(_enum_values()), _words(ENGLISH)


def _problems(text: str, checks) -> list[str]:
    """What a Polish reader should not read in `text`, each with its line (patterns do not cross lines)."""
    patterns, codes, english = checks
    text = ADDRESS.sub(" ", text).replace("EUMM Georgia", " ")

    def line(m) -> str:
        return text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end()) % (len(text) + 1)].strip()

    found = [(f"English message {msgid!r}", m) for msgid, p in patterns for m in p.finditer(text)]
    found += [(f"code {m.group(0)!r}", m) for m in codes.finditer(text)]
    found += [(f"English word {m.group(0)!r}", m) for m in english.finditer(text)]
    return sorted({f"{what} in: {line(m)}" for what, m in found})


def _parts(mail) -> list[str]:
    found = {p.get_content_type(): p.get_content() for p in mail.walk() if not p.is_multipart()}
    return [mail["Subject"], found["text/plain"], visible_text(found["text/html"], keep_english=False)]


def test_every_notification_e_mail_reads_in_polish(app, db, make_user, checks):
    reader = make_user(Role.COORDINATOR, "MFA", email="koordynator@example.org", locale="pl")
    rows = [Notification(id=n, user_id=reader.id, email=reader.email, kind=kind, params=params, thread="",
                         daily=False, event_key=f"sample:{n}")
            for n, (kind, params) in enumerate(_samples(), start=1)]
    texts = [text for row in rows for text in _parts(message(reader, [row])[1])]
    texts += _parts(message(reader, rows)[1])  # the daily summary: every kind in one e-mail
    problems = _problems("\n\n".join(texts), checks)
    assert not problems, "\n".join(problems)
