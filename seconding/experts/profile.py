"""Between the expert form and ExpertData, and the derived rows the detail page shows."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from seconding.experts.forms import ExpertForm
from seconding.experts.services import ExpertData, History, Period, Post, Study
from seconding.extensions import db
from seconding.models import (
    SKILLS,
    CefrLevel,
    ClearanceLevel,
    Course,
    DrivingLicence,
    EducationLevel,
    Expert,
    PoolStatus,
    Sex,
    TrainingRecord,
    TrainingStatus,
)
from seconding.training.status import expiry_status, status_of

BLANK_LANGUAGES = 2


def pad_lists(form: ExpertForm) -> None:
    """Blank rows to fill in, so the form works without JavaScript."""
    while len(form.languages.entries) < len([e for e in form.languages.entries if e.form.code.data]) + BLANK_LANGUAGES:
        form.languages.append_entry()
    if not any(not e.form.start.data for e in form.unavailability.entries):
        form.unavailability.append_entry()
    if not any(not e.form.mission.data for e in form.history.entries):
        form.history.append_entry()
    for entries in (form.education, form.employment):
        if all(e.form.filled() for e in entries.entries):
            entries.append_entry()


def skills(entry) -> tuple[CefrLevel | None, ...]:
    """A language row's five skills as typed (None: the overall level)."""
    return tuple(CefrLevel(getattr(entry, name).data) if getattr(entry, name).data else None for name in SKILLS)


def studies(form) -> list[Study]:
    """The education rows of a valid form (the expert form, or the expert's corrections); blank rows dropped."""
    return [Study(level=EducationLevel(e.level.data), organisation=e.organisation.data.strip(), start=e.start.data,
                  end=e.end.data, field=(e.field.data or "").strip(), country=(e.country.data or "").strip(),
                  degree=(e.degree.data or "").strip())
            for e in (entry.form for entry in form.education.entries) if e.filled()]


def posts(form) -> list[Post]:
    """The employment rows of a valid form; blank rows dropped."""
    return [Post(employer=e.employer.data.strip(), position=e.position.data.strip(), start=e.start.data,
                 end=e.end.data, duties=(e.duties.data or "").strip())
            for e in (entry.form for entry in form.employment.entries) if e.filled()]


def _blank(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def form_to_data(form: ExpertForm) -> ExpertData:
    """The data a valid form holds; blank list rows are dropped."""
    expertise = [form.primary_expertise.data] if form.primary_expertise.data else []
    expertise += [code for code in form.other_expertise.data or [] if code not in expertise]
    return ExpertData(
        institution_id=form.institution_id.data,
        external_id=form.external_id.data.strip(),
        given_name=form.given_name.data.strip(),
        family_name=form.family_name.data.strip(),
        sex=Sex(form.sex.data),
        experience_years=form.experience_years.data,
        date_of_birth=form.date_of_birth.data,
        email=_blank(form.email.data and form.email.data.lower()),
        phone=_blank(form.phone.data),
        rank=_blank(form.rank.data),
        expertise=expertise,
        languages=[(e.form.code.data, CefrLevel(e.form.level.data)) for e in form.languages.entries
                   if e.form.code.data],
        clearance_level=ClearanceLevel(form.clearance_level.data),
        clearance_expires=form.clearance_expires.data,
        passport_expires=form.passport_expires.data,
        driving_licence=DrivingLicence(form.driving_licence.data),
        available_from=form.available_from.data,
        short_notice=bool(form.short_notice.data),
        pool_status=PoolStatus(form.pool_status.data),
        consent_on=form.consent_on.data,
        notes=(form.notes.data or "").strip(),
        unavailability=[Period(e.form.start.data, e.form.end.data, (e.form.reason.data or "").strip())
                        for e in form.unavailability.entries if e.form.start.data],
        history=[History(mission=e.form.mission.data.strip(), host_country=(e.form.host_country.data or "").strip(),
                         role=(e.form.role.data or "").strip(), start=e.form.start.data, end=e.form.end.data,
                         csdp=bool(e.form.csdp.data))
                 for e in form.history.entries if (e.form.mission.data or "").strip()],
        computer_skills=(form.computer_skills.data or "").strip(),
        language_skills={e.form.code.data: skills(e.form) for e in form.languages.entries if e.form.code.data},
        education=studies(form),
        employment=posts(form),
    )


def expert_to_form(expert: Expert, form: ExpertForm) -> None:
    """Fill an empty form with the expert as stored, plus blank rows."""
    form.version.data = str(expert.version)
    for name in ("institution_id", "external_id", "given_name", "family_name", "date_of_birth", "email", "phone",
                 "rank", "experience_years", "clearance_expires", "passport_expires", "available_from",
                 "short_notice", "consent_on", "notes", "computer_skills"):
        getattr(form, name).data = getattr(expert, name)
    for name in ("sex", "clearance_level", "driving_licence", "pool_status"):
        getattr(form, name).data = getattr(expert, name).value
    primary = expert.primary_expertise
    form.primary_expertise.data = primary.code if primary else ""
    form.other_expertise.data = [a.code for a in expert.secondary_expertise]
    fill_rows(expert, form, ("languages", "unavailability", "history", "education", "employment"))
    pad_lists(form)


def fill_rows(expert: Expert, form, lists) -> None:
    """Put the expert's rows of `lists` (languages, unavailability, history, education, employment) into a form's
    lists of the same names, replacing what they held (the expert form, or the expert's corrections)."""
    rows = {
        "languages": lambda: [{"code": lang.code, "level": lang.level.value,
                               **{name: skill.value if skill else ""
                                  for name, skill in zip(SKILLS, lang.own_skills(), strict=True)}}
                              for lang in expert.languages],
        "unavailability": lambda: [{"start": p.start, "end": p.end, "reason": p.reason} for p in expert.unavailability],
        "history": lambda: [{"mission": h.mission, "host_country": h.host_country, "role": h.role, "start": h.start,
                             "end": h.end, "csdp": h.csdp} for h in expert.mission_history],
        "education": lambda: [{"level": e.level.value, "field": e.field, "organisation": e.organisation,
                               "country": e.country, "start": e.start, "end": e.end, "degree": e.degree}
                              for e in expert.education],
        "employment": lambda: [{"employer": e.employer, "position": e.position, "start": e.start, "end": e.end,
                                "duties": e.duties} for e in expert.employment],
    }
    for name in lists:
        entries = getattr(form, name)
        while entries.entries:
            entries.pop_entry()
        for data in rows[name]():
            entries.append_entry(data)


@dataclass
class TrainingRow:
    course: Course
    records: list[TrainingRecord]
    status: TrainingStatus

    @property
    def latest(self) -> TrainingRecord | None:
        return self.records[0] if self.records else None


def training_rows(expert: Expert, today: date, horizon_days: int) -> list[TrainingRow]:
    """Every mandatory course and every course the expert holds, with its status (mandatory first)."""
    records = db.session.scalars(select(TrainingRecord).where(TrainingRecord.expert_id == expert.id)
                                 .order_by(TrainingRecord.completed_on.desc())).all()
    courses = db.session.scalars(select(Course).order_by(Course.code)).all()
    by_course: dict[int, list[TrainingRecord]] = {}
    for entry in records:
        by_course.setdefault(entry.course_id, []).append(entry)
    rows = []
    for course in courses:
        held = by_course.get(course.id, [])
        if course.mandatory or held:
            rows.append(TrainingRow(course, held, status_of([r.expires_on for r in held], today, horizon_days)))
    return sorted(rows, key=lambda r: (not r.course.mandatory, r.course.code))


def expiry(expires_on: date | None, today: date, horizon_days: int) -> TrainingStatus | None:
    return expiry_status(expires_on, today, horizon_days)
