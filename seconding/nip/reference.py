"""Compact commitments confirmed by SPEC §11 from the Council's texts; the rest are added by an admin."""
from sqlalchemy import select

from seconding.extensions import db
from seconding.models import CompactCommitment

SOURCE_2018 = "Council conclusions on the establishment of a Civilian CSDP Compact, 19 November 2018"
SOURCE_2023 = "Council conclusions on the new Civilian CSDP Compact, 22 May 2023"
# How many commitments each edition has (the seed holds only those confirmed; admins add the rest).
EDITION_SIZES = {2018: 22, 2023: 20}
# Clusters of 2018 and strands of 2023, as the Council's texts name them (suggestions in the forms).
STRANDS = {
    2018: ("More capable", "More effective, flexible and responsive", "More joined-up"),
    2023: ("Act", "Secure", "Invest", "Partner"),
}

# (edition, code, title, source). The codes are national shorthand, not the Council's numbering, and the
# cluster or strand is left for an admin to set from the text: SPEC §11 does not say which one each belongs to.
COMMITMENTS = (
    (2018, "CONTRIBUTIONS", "Increase national contributions to civilian CSDP missions", SOURCE_2018),
    (2018, "SECONDED-70", "At least 70 % of the international staff of missions seconded", SOURCE_2018),
    (2018, "WOMEN", "Better representation of women in civilian CSDP missions", SOURCE_2018),
    (2018, "RAPID-200", "Able to launch a mission of up to 200 personnel within 30 days", SOURCE_2018),
    (2023, "SECONDED-70", "70 % seconded staff in civilian CSDP missions overall", SOURCE_2023),
    (2023, "SECONDED-KEY", "100 % seconded staff in management, operational and key posts", SOURCE_2023),
    (2023, "WOMEN-40", "At least 40 % women in civilian CSDP missions", SOURCE_2023),
    (2023, "RAPID-200", "200 experts deployable within 30 days, including in complex environments", SOURCE_2023),
)


def seed_commitments() -> int:
    """Create the confirmed commitments that are missing; existing ones stay as an admin edited them."""
    existing = {tuple(row) for row in db.session.execute(select(CompactCommitment.edition, CompactCommitment.code))}
    new = [CompactCommitment(edition=edition, code=code, title=title, strand="", description="", source=source)
           for edition, code, title, source in COMMITMENTS if (edition, code) not in existing]
    db.session.add_all(new)
    db.session.flush()
    return len(new)
