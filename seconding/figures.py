"""Shares shown in reports, overviews and the digest."""


def percent(part: int, whole: int) -> float | None:
    """A share in per cent with one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None
