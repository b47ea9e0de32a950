"""One layout for both formats: the nomination sheet then the CV, as a list of plain blocks.

The PDF and DOCX writers only draw these blocks, so both files always carry the same content.
"""
from __future__ import annotations

from dataclasses import dataclass

from seconding.dates import WARSAW
from seconding.packages.content import Package
from seconding.packages.wording import (
    MISSING,
    NOT_INCLUDED,
    STATUS_NAMES,
    day,
    finding_text,
    level_text,
    text,
)


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label / value rows."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; `widths` are shares of the line (they add up to 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    empty: str = "none recorded"


@dataclass(frozen=True)
class Paragraph:
    text: str
    small: bool = False


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Title | Heading | Fields | Table | Paragraph | PageBreak


def document(package: Package) -> list[Block]:
    """The whole document of one nomination: the one-page sheet, then the CV."""
    return [*sheet(package), PageBreak(), *cv(package)]


def sheet(p: Package) -> list[Block]:
    """The one-page nomination sheet: position, call, endorsement, Goalkeeper, §6 findings."""
    deadline = p.national_deadline.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")
    findings = [finding_text(f.rule, f.outcome, f.detail) for f in p.findings]
    blocks: list[Block] = [
        Title("National nomination", f"{p.name} — {p.cfc_ref} · {p.position_ref}"),
        Heading("Position"),
        Fields((
            ("Position", f"{p.position_ref} — {p.position_title}"),
            ("Mission", p.mission),
            ("Call for contributions", p.cfc_ref),
            ("Location", text(p.location, absent="not stated in the call")),
            ("Regime", p.regime),
            ("Available on", day(p.available_on, absent="as soon as possible")),
            ("Tour length", f"{p.tour_months} months"),
            ("National deadline", f"{deadline} (Warsaw time)"),
        )),
        Heading("National endorsement"),
        Fields((
            ("Candidate", f"{p.name}, {p.institution}"),
            ("Endorsed by", text(p.endorsed_by, absent="not endorsed yet")),
            ("Endorsed on", day(p.endorsed_on, absent="not endorsed yet")),
            ("Nomination status", p.status.replace("_", " ")),
            ("Goalkeeper reference", text(p.goalkeeper_ref, absent="not known yet")),
            ("Forwarded on", day(p.forwarded_on, absent="not forwarded yet")),
        )),
        Heading(f"Requirements of the position checked as of {p.findings_as_of.isoformat()}"),
        Paragraph(f"Result: {STATUS_NAMES.get(p.findings_status, p.findings_status)}."),
    ]
    blocks += [Paragraph(line) for line in findings] or [Paragraph("No blocker and no gap.")]
    if p.missing:
        blocks.append(Paragraph(f"Data not recorded: {len(p.missing)} item(s), marked as such in this document.",
                                small=True))
    blocks.append(Paragraph(f"Prepared on {p.made_on.isoformat()} from the national register.", small=True))
    return blocks


def cv(p: Package) -> list[Block]:
    """The CV in the order of an EEAS CSDP application: personal data (as the reader's role allows), languages,
    education, employment, missions, training, computer skills, clearance and driving licence, the motivation."""
    identity = [("Name", p.name), ("Sex", p.sex)]
    if p.personal_details:
        identity += [("Date of birth", day(p.date_of_birth)), ("Phone", text(p.phone))]
    else:
        identity += [("Date of birth, phone", NOT_INCLUDED)]
    identity += [("E-mail", text(p.email))]
    secondary = ", ".join(p.expertise_secondary) or "—"
    return [
        Title("Curriculum vitae", p.name),
        Heading("Personal information"),
        Fields(tuple(identity)),
        Heading("Service"),
        Fields((("Institution", p.institution), ("Rank or grade", text(p.rank)),
                ("Years of relevant experience", str(p.experience_years)))),
        Heading("Expertise"),
        Fields((("Primary area", text(p.expertise_primary)), ("Other areas", secondary))),
        Heading("Languages (CEFR self-assessment grid)"),
        Table(("Language", "Listening", "Reading", "Spoken interaction", "Spoken production", "Writing"),
              tuple((lang.name, *(level_text(skill) for skill in lang.skills)) for lang in p.languages),
              (0.2, *(0.16,) * 5), empty=MISSING),
        Heading("Education"),
        Table(("From", "To", "Level", "Field of study", "Institution", "Country", "Degree or diploma"),
              tuple((day(s.start), day(s.end, absent="ongoing"), s.level, s.field or "—", s.organisation,
                     s.country or "—", s.degree or "—") for s in p.education),
              (0.11, 0.11, 0.16, 0.16, 0.19, 0.11, 0.16), empty=MISSING),
        Heading("Employment history"),
        Table(("From", "To", "Employer", "Position", "Main duties"),
              tuple((day(j.start), day(j.end, absent="present"), j.employer, j.position, j.duties or "—")
                    for j in p.employment),
              (0.11, 0.11, 0.2, 0.2, 0.38), empty=MISSING),
        Heading("Earlier and current missions"),
        Table(("Mission", "Country", "Role", "From", "To", "CSDP"),
              tuple((t.mission, t.country or "—", t.role or "—", day(t.start, absent="—"),
                     _tour_end(t.end, t.status), "yes" if t.csdp else "no") for t in p.tours),
              (0.2, 0.16, 0.26, 0.13, 0.15, 0.1)),
        Heading("Courses and training"),
        Table(("Course", "Provider", "Completed", "Valid until", "Status"),
              tuple((f"{c.code} — {c.name}", c.provider or "—", c.completed_on.isoformat(),
                     day(c.expires_on, absent="does not expire"), "valid" if c.valid else "expired")
                    for c in p.courses),
              (0.38, 0.2, 0.14, 0.16, 0.12), empty=MISSING),
        Paragraph("Mandatory courses not recorded: " + (", ".join(m.split(":", 1)[1] for m in p.missing
                                                                  if m.startswith("course:")) or "none")),
        Heading("Computer skills"),
        _free_text(p.computer_skills),
        Heading("Security clearance and driving licence"),
        Fields((("Security clearance", p.clearance_level),
                ("Clearance valid until", day(p.clearance_expires, absent=MISSING if p.clearance_level != "none"
                                              else "—")),
                ("Driving licence", p.driving_licence))),
        Heading(f"Motivation for {p.position_ref} — {p.position_title}"),
        _free_text(p.motivation),
    ]


def _free_text(value: str | None) -> Paragraph:
    """Free text as written (its line breaks kept), or the word for "not recorded"."""
    return Paragraph(value or MISSING)


def _tour_end(end, status: str) -> str:
    if status == "deployed":
        return f"{day(end, absent='—')} (under way)"
    return day(end, absent="—")
