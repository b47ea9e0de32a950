"""Passwords that attackers try first (OWASP ASVS 2.1.7): the 30,000 most common passwords of public breaches, as
the zxcvbn package ships them (MIT licence; Xato's list of ten million leaked passwords), and a few words of this
service. Compared case-insensitively, and with the trivial variants guessing tools try as well: a listed password
with digits, symbols or spaces before or after it ("Password123!", "123456789012") and with the usual letter
substitutions ("p@ssw0rd"). No outside service is asked."""
from functools import cache

# Words of this service and its users' world, which guessers try on it.
SERVICE_WORDS = ("seconding", "secondment", "secondments", "oddelegowanie", "csdp", "mswia", "goalkeeper")

# Digits and symbols read as the letters they stand for.
_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t",
                       "+": "t", "8": "b", "9": "g"})


@cache
def _listed() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 800 kB of lists: loaded once, when first needed

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(SERVICE_WORDS)


def is_common(password: str) -> bool:
    """Whether the password is a listed one, or a listed one padded with digits, symbols or spaces, with or
    without letter substitutions."""
    listed = _listed()
    folded = password.casefold().strip()
    letters = [i for i, c in enumerate(folded) if c.isalpha()]
    # The padding is what lies outside the letters: the core starts at or before the first letter and ends at or
    # after the last one (anywhere, for a password without letters).
    first, last = (letters[0], letters[-1] + 1) if letters else (len(folded), 0)
    for start in range(first + 1):
        for end in range(max(last, start + 1), len(folded) + 1):
            core = folded[start:end]
            if core in listed or core.translate(_LEET) in listed:
                return True
    return False
