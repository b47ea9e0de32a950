"""Duty of care during the tour (SPEC §17): emergency contacts, mission locations, the pre-deployment checklist,
incidents."""
