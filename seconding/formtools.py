"""Small helpers shared by the forms of several areas."""


def form_version(value: str | int | None) -> int:
    """The record version a form was opened at; -1 (never current) when the form does not carry a readable one,
    so a tampered or truncated form is treated as stale rather than skipping the optimistic-locking check."""
    text = "" if value is None else str(value)
    return int(text) if text.isdigit() else -1
