"""Reading position requirements typed by people (forms, the annex): codes forgiven for case and spaces.

Each parser returns the value or raises Refusal with a message a person can act on.
"""
import re

from flask_babel import gettext as _

from seconding.errors import Refusal
from seconding.languages import is_language_code
from seconding.matching import clearance_rank
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, PositionCategory, Regime

LEVELS_TEXT = "A1, A2, B1, B2, C1, C2 or native"


def _words(text: str) -> str:
    return " ".join((text or "").split())


def parse_level(text: str) -> CefrLevel:
    """'b2' -> B2, 'Native' -> native."""
    value = _words(text).upper()
    if value == "NATIVE":
        return CefrLevel.NATIVE
    if value in CefrLevel.values():
        return CefrLevel(value)
    raise Refusal(_("unknown level “%(value)s”: use %(levels)s", value=text.strip(), levels=LEVELS_TEXT))


def parse_languages(text: str) -> list[tuple[str, CefrLevel]]:
    """'en:C1; ru:B2' -> [('en', C1), ('ru', B2)]; each language once."""
    result: list[tuple[str, CefrLevel]] = []
    for item in (text or "").split(";"):
        if not item.strip():
            continue
        if ":" not in item:
            raise Refusal(_("“%(value)s” needs a level, e.g. en:B2", value=item.strip()))
        code, level = (part.strip() for part in item.split(":", 1))
        code = code.lower()
        if not is_language_code(code):
            raise Refusal(_("unknown language code “%(code)s” (use two-letter ISO 639-1 codes, e.g. en)",
                                      code=code))
        if any(code == seen for seen, _ in result):
            raise Refusal(_("language %(code)s is listed twice", code=code))
        result.append((code, parse_level(level)))
    return result


def format_languages(languages) -> str:
    """[('en', C1)] or PositionLanguage rows -> 'en:C1'."""
    pairs = [(lang.code, lang.level) if hasattr(lang, "code") else lang for lang in languages]
    return ";".join(f"{code}:{CefrLevel(level).value}" for code, level in pairs)


def parse_clearance(text: str) -> ClearanceLevel:
    """'secret', 'SECRET UE', 'tajne', 'top secret' -> the level; empty -> NONE."""
    value = _words(text).upper()
    if not value:
        return ClearanceLevel.NONE
    if value.replace(" ", "_") in ClearanceLevel.values():
        return ClearanceLevel(value.replace(" ", "_"))
    try:  # the EU and Polish names of the same levels (SPEC §6)
        return list(ClearanceLevel)[clearance_rank(value)]
    except (KeyError, ValueError):
        pass
    raise Refusal(_("unknown clearance level “%(value)s”: use %(levels)s", value=text.strip(),
                            levels=", ".join(ClearanceLevel.values())))


def parse_licence(text: str) -> DrivingLicence:
    """'b', 'B+4x4', 'b 4x4' -> the licence; empty -> NONE."""
    value = re.sub(r"[\s+\-]+", "_", _words(text).upper())
    if not value:
        return DrivingLicence.NONE
    if value in DrivingLicence.values():
        return DrivingLicence(value)
    raise Refusal(_("unknown driving licence “%(value)s”: use NONE, B or B_4X4", value=text.strip()))


def parse_regime(text: str) -> Regime:
    """'Seconded-contracted' -> seconded_contracted."""
    value = re.sub(r"[\s\-]+", "_", _words(text).lower())
    if value in Regime.values():
        return Regime(value)
    raise Refusal(_("unknown regime “%(value)s”: use seconded, seconded_contracted or contracted",
                            value=text.strip()))


def parse_category(text: str) -> PositionCategory:
    """'Management', ' KEY ' -> the category of post (the annex's optional `category` column)."""
    value = _words(text).lower()
    if value in PositionCategory.values():
        return PositionCategory(value)
    raise Refusal(_("unknown category “%(value)s”: use management, operational, key or other", value=text.strip()))


def parse_codes(text: str, known: set[str], what: str) -> list[str]:
    """'pdt; Heat' -> ['PDT', 'HEAT'] among the known codes (upper case), each once."""
    result: list[str] = []
    for item in (text or "").split(";"):
        code = _words(item).upper().replace(" ", "_")
        if not code:
            continue
        if code not in known:
            raise Refusal(_("unknown %(what)s “%(value)s”", what=what, value=item.strip()))
        if code in result:
            raise Refusal(_("%(what)s %(code)s is listed twice", what=what, code=code))
        result.append(code)
    return result
