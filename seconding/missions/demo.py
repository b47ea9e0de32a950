"""Demo data of this area (filled in by the area)."""


def seed_demo_data() -> list[str]:
    """Add fictional demo data; returns lines to print."""
    return []
