"""Commands of this area (filled in by the area)."""

commands: list = []
