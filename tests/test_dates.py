from datetime import date

from seconding.dates import add_months, asap_start, valid_on


def test_add_months_keeps_the_day_of_the_month():
    assert add_months(date(2026, 3, 15), 1) == date(2026, 4, 15)
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)


def test_add_months_31_january_plus_one_is_the_last_day_of_february():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year


def test_add_months_29_february_plus_a_year_is_28_february():
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2028, 2, 29), 48) == date(2032, 2, 29)


def test_add_months_31st_into_a_30_day_month():
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)


def test_add_months_crosses_the_year_both_ways():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 5, 20), 0) == date(2026, 5, 20)


def test_expiry_is_the_last_valid_day():
    assert valid_on(date(2026, 3, 1), date(2026, 3, 1))
    assert not valid_on(date(2026, 3, 1), date(2026, 3, 2))
    assert valid_on(None, date(2099, 1, 1))


def test_asap_start_is_30_days_after_the_as_of_date():
    assert asap_start(date(2026, 2, 10)) == date(2026, 3, 12)
