"""One commit per request: a success is committed once and only then runs the work queued for after the commit
(e-mail); an error answer or a refusal rolls back and drops that work, so a rolled-back request sends nothing."""
from flask import Response
from sqlalchemy import select

from seconding import transaction
from seconding.extensions import db as _db
from seconding.models import Institution


def _request(app, status: int, *, refuse: bool = False) -> tuple[list[str], bool]:
    """A request that renames an institution and queues a piece of work; what ran, and whether the name stuck."""
    ran: list[str] = []
    with app.test_request_context("/"):
        police = _db.session.scalar(select(Institution).where(Institution.code == "POLICE"))
        police.name_en = "Renamed in the request"
        _db.session.flush()
        transaction.after_commit(lambda: ran.append("sent"))
        if refuse:
            transaction.refused()
        transaction.finish(Response(status=status))
    _db.session.expire_all()
    name = _db.session.scalar(select(Institution.name_en).where(Institution.code == "POLICE"))
    return ran, name == "Renamed in the request"


def test_a_success_is_committed_and_then_its_queued_work_runs(app, db):
    assert _request(app, 302) == (["sent"], True)


def test_an_error_answer_rolls_back_and_sends_nothing(app, db):
    assert _request(app, 422) == ([], False)


def test_a_refused_form_rolls_back_and_sends_nothing_though_it_answers_200(app, db):
    assert _request(app, 200, refuse=True) == ([], False)


def test_work_that_fails_after_the_commit_leaves_the_commit_and_the_other_work(app, db):
    ran: list[str] = []
    with app.test_request_context("/"):
        transaction.after_commit(lambda: 1 / 0)
        transaction.after_commit(lambda: ran.append("second"))
        transaction.commit()
    assert ran == ["second"]
