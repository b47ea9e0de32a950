"""The register's fast path for plain e-mail addresses accepts only what the full validation accepts."""
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from seconding.register.cells import PLAIN_EMAIL_RE, plain_email

ATEXT = "abcXYZ019_%+-"


@settings(max_examples=60, deadline=None)
@given(st.from_regex(PLAIN_EMAIL_RE, fullmatch=True))
def test_every_address_the_fast_path_accepts_the_full_check_accepts(address):
    if plain_email(address):
        validate_email(address, check_deliverability=False)  # raises if the fast path let a wrong one through


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ATEXT + ".@-", min_size=3, max_size=40))
def test_near_misses_are_never_accepted_by_the_fast_path_alone(address):
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        assert not plain_email(address)


def test_the_usual_addresses_take_the_fast_path_and_odd_ones_do_not():
    assert plain_email("jan.kowalski@policja.gov.pl") and plain_email("a+b_c%d@x-y.example.com")
    for odd in ("jan..kowalski@policja.pl", "jan@localhost", "jan@host.test", "jan@xn--ab-cd.pl", "żaneta@poczta.pl",
                ".jan@policja.pl", "jan@-policja.pl", "jan@policja.p1", "\"jan\"@policja.pl", "jan@policja.pl."):
        assert not plain_email(odd), odd
