"""Institutions: ministries, services and the independent pool, as a tree under the MFA."""
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seconding.db import enum_type
from seconding.extensions import db
from seconding.models.enums import InstitutionKind


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_pl: Mapped[str] = mapped_column(String(200))
    kind: Mapped[InstitutionKind] = mapped_column(enum_type(InstitutionKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))

    parent: Mapped[Optional["Institution"]] = relationship(remote_side=[id])

    def name(self, locale: str = "en") -> str:
        """The name in the given language."""
        return self.name_pl if locale == "pl" else self.name_en

    def __repr__(self) -> str:
        return f"<Institution {self.code}>"
