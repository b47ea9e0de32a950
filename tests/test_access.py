"""The scope rule: an institution and everything under it."""
from sqlalchemy import select

from seconding.access import descendants, in_scope, institutions_in_scope, scope_filter, scope_ids
from seconding.models import Institution, Role


def codes(ids, institutions):
    by_id = {i.id: code for code, i in institutions.items()}
    return {by_id[i] for i in ids}


def test_mfa_sees_everything_and_services_only_themselves(institutions, make_user):
    all_codes = set(institutions)
    assert codes(descendants(institutions["MFA"].id), institutions) == all_codes
    assert codes(descendants(institutions["MIA"].id), institutions) == {"MIA", "POLICE", "BORDER_GUARD"}
    assert codes(descendants(institutions["BORDER_GUARD"].id), institutions) == {"BORDER_GUARD"}
    assert codes(descendants(institutions["MF"].id), institutions) == {"MF", "NRA"}


def test_scope_of_users(institutions, make_user, db):
    admin = make_user(Role.ADMIN, "POLICE")
    border = make_user(Role.HR_OFFICER, "BORDER_GUARD")
    assert scope_ids(admin) is None
    assert in_scope(admin, institutions["PRISON"].id)
    assert in_scope(border, institutions["BORDER_GUARD"].id)
    assert not in_scope(border, institutions["POLICE"].id)
    assert [i.code for i in institutions_in_scope(border)] == ["BORDER_GUARD"]


def test_scope_filter_in_queries(institutions, make_user, db):
    mia = make_user(Role.COORDINATOR, "MIA")
    viewer = make_user(Role.VIEWER, "MFA")
    rows = db.session.scalars(select(Institution.code).where(scope_filter(mia, Institution.id))).all()
    assert set(rows) == {"MIA", "POLICE", "BORDER_GUARD"}
    # Viewers never get personal data rows, but may read aggregates.
    assert db.session.scalars(select(Institution.code).where(scope_filter(viewer, Institution.id))).all() == []
    assert len(db.session.scalars(
        select(Institution.code).where(scope_filter(viewer, Institution.id, personal=False))).all()) == 11
