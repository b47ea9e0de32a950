"""ISO 639-1 language codes and their names (from Babel's CLDR data)."""
from functools import lru_cache

import babel


@lru_cache(maxsize=4)
def language_names(locale: str = "en") -> dict[str, str]:
    """Two-letter code -> name in the given UI language, sorted by name."""
    names = babel.Locale(locale if locale in ("en", "pl") else "en").languages
    codes = {k: v for k, v in names.items() if len(k) == 2 and k.isalpha()}
    return dict(sorted(codes.items(), key=lambda item: item[1].casefold()))


def is_language_code(code: str) -> bool:
    return code.lower() in language_names("en")

