"""The monthly compliance digest (SPEC §9): content per recipient, rendering, exactly-once sending, preview."""
