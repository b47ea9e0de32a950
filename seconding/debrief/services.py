"""Recording the debrief and the end-of-tour appraisal of a tour that ended; each is one record per tour, edited
with optimistic locking and audited (without its free texts: the audit log keeps no personal assessment)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from seconding.audit.services import record
from seconding.db import utcnow
from seconding.errors import Race, Refusal, StaleEdit, same_moment
from seconding.extensions import db
from seconding.labels import DEPLOYMENT_STATUS_LABELS
from seconding.models import Deployment, User
from seconding.models.debrief import COMPETENCIES, Appraisal, AppraisalRating, Debrief, GoAgain, Rating


def debrief_of(deployment: Deployment) -> Debrief | None:
    return db.session.scalar(select(Debrief).where(Debrief.deployment_id == deployment.id))


def appraisal_of(deployment: Deployment) -> Appraisal | None:
    return db.session.scalar(select(Appraisal).where(Appraisal.deployment_id == deployment.id))


def check_ended(deployment: Deployment) -> None:
    """A debrief and an appraisal belong to a tour that ended (completed or curtailed)."""
    if deployment.status.active:
        raise Refusal(_("The debrief and the appraisal are recorded once the tour has ended (completed or "
                        "curtailed); this tour is %(status)s.",
                        status=DEPLOYMENT_STATUS_LABELS[deployment.status.value]))


def _check_version(existing, version: int | None) -> None:
    """A form opened before the record existed carries version 0; one opened at another version is stale."""
    if version is not None and version != (existing.version if existing is not None else 0):
        raise StaleEdit(_("Someone else changed this record after you opened the page. Nothing was saved: the page "
                          "now shows their version; make your change again."))


def _check_day(day: date, deployment: Deployment, today: date, field: str) -> None:
    if day > today:
        raise Refusal(_("The date cannot be in the future (today is %(today)s).", today=today.isoformat()), field)
    if day < deployment.start:
        raise Refusal(_("The date cannot be before the tour's start (%(start)s).",
                        start=deployment.start.isoformat()), field)


def _flush() -> None:
    try:
        with same_moment():
            db.session.flush()
    except IntegrityError as exc:  # the other one of two first records at the same moment; the caller rolls back
        raise Race(_("Someone else changed this record at the same moment. Nothing was saved.")) from exc


def _changed(obj, names: tuple[str, ...]) -> list[str]:
    state = inspect(obj)
    return [name for name in names if state.attrs[name].history.has_changes()]


def save_debrief(deployment: Deployment, *, held_on: date, held_by: User | None, held_by_name: str, lessons: str,
                 go_again: GoAgain, notes: str, version: int | None, today: date) -> Debrief:
    """Record the tour's debrief, or change it: held on a day from the tour's start to today, by a user of the app
    or a person named (one of the two)."""
    check_ended(deployment)
    debrief = debrief_of(deployment)
    _check_version(debrief, version)
    name = " ".join(held_by_name.split())
    if held_by is None and not name:
        raise Refusal(_("Choose who held the debrief, or type their name."), "held_by_name")
    if held_by is not None and name:
        raise Refusal(_("Choose a user or type a name, not both."), "held_by_name")
    _check_day(held_on, deployment, today, "held_on")
    new = debrief is None
    if new:
        debrief = Debrief(deployment=deployment)
        db.session.add(debrief)
    debrief.held_on, debrief.held_by, debrief.held_by_name = held_on, held_by, name
    debrief.lessons, debrief.go_again, debrief.notes = lessons.strip(), go_again, notes.strip()
    changed = [] if new else _changed(debrief, ("held_on", "held_by", "held_by_name", "lessons", "go_again",
                                                "notes"))
    if not new and not changed:
        return debrief
    _flush()
    summary = (f"debrief held on {held_on.isoformat()} by {debrief.held_by_label}; would go again: {go_again.value}"
               if new else "debrief changed: " + ", ".join(changed))
    record("debrief_recorded" if new else "debrief_changed", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id, summary=summary)
    return debrief


def save_appraisal(deployment: Deployment, *, received_on: date | None, assessment: str,
                   ratings: dict[str, Rating | None], version: int | None, today: date) -> Appraisal:
    """Record the tour's end-of-tour appraisal, or change it: the mission's assessment (the day it was received,
    and its text) and a rating per competency (a competency left unrated has none)."""
    check_ended(deployment)
    unknown = set(ratings) - set(COMPETENCIES)
    if unknown:
        raise ValueError(f"unknown competencies: {sorted(unknown)}")
    appraisal = appraisal_of(deployment)
    _check_version(appraisal, version)
    text = assessment.strip()
    if text and received_on is None:
        raise Refusal(_("Give the day the mission's assessment was received."), "received_on")
    if received_on is None and not any(ratings.values()):
        raise Refusal(_("Nothing to record: give the mission's assessment, or rate at least one competency."),
                      "received_on")
    if received_on is not None:
        _check_day(received_on, deployment, today, "received_on")
    new = appraisal is None
    if new:
        appraisal = Appraisal(deployment=deployment)
        db.session.add(appraisal)
    before = {} if new else {r.competency: r.rating for r in appraisal.ratings}
    appraisal.received_on, appraisal.assessment = received_on, text
    changed = [] if new else _changed(appraisal, ("received_on", "assessment"))
    held = {r.competency: r for r in appraisal.ratings}
    for competency in COMPETENCIES:
        wanted, row = ratings.get(competency), held.get(competency)
        if wanted is None and row is not None:
            appraisal.ratings.remove(row)
        elif wanted is not None and row is None:
            appraisal.ratings.append(AppraisalRating(competency=competency, rating=wanted))
        elif row is not None:
            row.rating = wanted
        if before.get(competency) != wanted and not new:
            changed.append(competency)
    if not new and not changed:
        return appraisal
    appraisal.updated_at = utcnow()  # a change of the ratings alone moves the appraisal's version too
    _flush()
    rated = sum(1 for value in ratings.values() if value)
    summary = (f"appraisal: assessment {'received on ' + received_on.isoformat() if received_on else 'not received'}"
               f"; {rated} competencies rated" if new else "appraisal changed: " + ", ".join(changed))
    record("appraisal_recorded" if new else "appraisal_changed", object_type="deployment", object_id=deployment.id,
           institution_id=deployment.expert.institution_id, summary=summary)
    return appraisal
