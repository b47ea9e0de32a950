"""Training: the matrix (experts × mandatory courses) with its CSV, records, course sessions, and courses."""
import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from seconding.access import PERSONAL_DATA_ROLES, institutions_in_scope, require_scope, roles_required
from seconding.dates import today_in_warsaw
from seconding.errors import Refusal
from seconding.experts.queries import expert_rows, list_rows
from seconding.experts.views import filter_form, get_expert
from seconding.extensions import db
from seconding.formtools import form_version, show_refusal
from seconding.jobs import services as jobs
from seconding.models import Course, Expert, Institution, Role, TrainingRecord
from seconding.pagination import Page, page_number
from seconding.reference import institution_choice
from seconding.register.export import filters_from_args
from seconding.training import jobs as training_jobs
from seconding.training.export import mandatory_courses, matrix_rows
from seconding.training.forms import CourseForm, SessionForm, TrainingRecordForm
from seconding.training.services import (
    add_training_record,
    delete_training_record,
    record_session,
    save_course,
)

bp = Blueprint("training", __name__, url_prefix="/training")
personal = roles_required(*PERSONAL_DATA_ROLES)
MATRIX_PAGE = 100


def _matrix_source():
    """What the matrix page and its CSV share: the list's filters, the mandatory courses, the experts' queries."""
    form, filters = filter_form()
    today = today_in_warsaw()
    horizon = current_app.config["TRAINING_EXPIRING_DAYS"]
    return form, filters, today, horizon, mandatory_courses(), expert_rows(current_user, filters, today, horizon)


@bp.route("/")
@personal
def matrix():
    form, filters, today, horizon, courses, (rows_query, count_query) = _matrix_source()
    number = page_number(request.args.get("page"))
    rows = list_rows(db.session.execute(rows_query.limit(MATRIX_PAGE).offset((number - 1) * MATRIX_PAGE)).all(),
                     today, horizon)
    page = Page(items=rows, page=number, per_page=MATRIX_PAGE, total=db.session.scalar(count_query))
    return render_template("training/matrix.html", form=form, filters=filters, page=page, courses=courses,
                           matrix=matrix_rows(rows, courses, today, horizon), args=filters.as_args(),
                           horizon=horizon)


@bp.route("/matrix.csv")
@personal
def matrix_csv():
    """The CSV's button for these filters (where old links to the file land): the file itself is made by a job,
    started by a POST (a GET makes nothing)."""
    return render_template("training/matrix_csv.html", args=filters_from_args(request.args).as_args())


@bp.route("/matrix.csv", methods=["POST"])
@personal
def start_matrix_csv():
    """Start the CSV of the matrix of the experts in scope and the list's filters (the form's hidden fields)."""
    filters = filters_from_args(request.form)
    today = today_in_warsaw()
    job = jobs.create(training_jobs.MATRIX, current_user, filename=training_jobs.matrix_name(today),
                      params={"filters": filters.as_args(), "today": today.isoformat()})
    return redirect(url_for("jobs.detail", job_id=job.id))


def _course_choices() -> list[tuple[int, str]]:
    return [(c.id, f"{c.code} — {c.name}") for c in db.session.scalars(select(Course).order_by(Course.code))]


@bp.route("/experts/<int:expert_id>/records/new", methods=["GET", "POST"])
@personal
def add_record(expert_id: int):
    expert = get_expert(expert_id)
    form = TrainingRecordForm()
    form.course_id.choices = _course_choices()
    if form.validate_on_submit():
        try:
            add_training_record(expert, db.session.get(Course, form.course_id.data), form.completed_on.data,
                                expires_on=form.expires_on.data, certificate_ref=form.certificate_ref.data or "")
        except Refusal as exc:
            show_refusal(form, exc, "completed_on")
        else:
            flash(_("The training is recorded."), "success")
            return redirect(url_for("experts.detail", expert_id=expert.id))
    return render_template("training/record_form.html", form=form, expert=expert)


@bp.route("/records/<int:record_id>/delete", methods=["POST"])
@personal
def delete_record(record_id: int):
    entry = db.session.get(TrainingRecord, record_id) or abort(404)
    require_scope(entry.expert.institution_id)
    expert_id = entry.expert_id
    delete_training_record(entry)
    flash(_("The training record is deleted."), "success")
    return redirect(url_for("experts.detail", expert_id=expert_id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@personal
def session():
    form = SessionForm()
    form.course_id.choices = _course_choices()
    locale = str(get_locale() or "en")
    form.institution.choices = [(i.code, institution_choice(i, locale)) for i in institutions_in_scope(current_user)]
    if form.validate_on_submit():
        institution = db.session.scalar(select(Institution).where(Institution.code == form.institution.data))
        require_scope(institution.id)
        wanted = [p for p in re.split(r"[\s,;]+", form.participants.data) if p]
        experts = {e.external_id: e for e in db.session.scalars(select(Expert).where(
            Expert.institution_id == institution.id, Expert.external_id.in_(wanted)))}
        unknown = [p for p in wanted if p not in experts]
        if unknown:
            form.participants.errors.append(_("Not in the pool of %(inst)s: %(ids)s. Nothing was recorded.",
                                              inst=institution.code, ids=", ".join(unknown[:20])))
        else:
            added = record_session(db.session.get(Course, form.course_id.data), form.completed_on.data,
                                   list(dict.fromkeys(experts[p] for p in wanted)))
            flash(_("The session is recorded for %(n)d experts (%(skipped)d had it already).", n=added,
                    skipped=len(set(wanted)) - added), "success")
            return redirect(url_for("training.matrix", institution=institution.code))
    return render_template("training/session_form.html", form=form)


@bp.route("/courses")
@roles_required(Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER)
def courses():
    rows = db.session.scalars(select(Course).order_by(Course.mandatory.desc(), Course.code)).all()
    return render_template("training/courses.html", courses=rows)


@bp.route("/courses/new", methods=["GET", "POST"])
@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def course_form(course_id: int | None = None):
    course = (db.session.get(Course, course_id) or abort(404)) if course_id else None
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        clash = db.session.scalar(select(Course.id).where(Course.code == code, Course.id != (course_id or 0)))
        if clash:
            form.code.errors.append(_("A course with this code exists already."))
        elif course is not None and form_version(form.version.data) != course.version:
            form = CourseForm(obj=course, formdata=None)  # the current values, to redo the change on
            form.code.errors = [_("Someone else changed this course in the meantime. Nothing was changed; the "
                                  "form shows the current values.")]
        else:
            save_course(course, code=code, name=form.name.data, provider=form.provider.data,
                        validity_months=form.validity_months.data, mandatory=bool(form.mandatory.data))
            flash(_("The course is saved."), "success")
            return redirect(url_for("training.courses"))
    return render_template("training/course_form.html", form=form, course=course)
