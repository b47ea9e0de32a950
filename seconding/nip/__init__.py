"""The National Implementation Plan of the Civilian CSDP Compact (SPEC §4, §5)."""
