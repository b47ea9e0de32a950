"""The objects the URLs and forms of the route × role table name (tests/routes/), for the tests that go through
the table (test_routes, test_form_pattern, test_hostile_forms, test_csp)."""
import pytest
from sqlalchemy import select

from seconding.models import Institution, Role
from tests.conftest import attach, detach, expert_factory, user_factory
from tests.routes import CTX_BUILDERS

__all__ = ["route_objects", "ctx"]


@pytest.fixture(scope="module")
def route_objects(module_db):
    """Built once per test module (module_db: each test rolls back to them); areas add theirs with
    extend_ctx(ctx)."""
    institutions = {i.code: i for i in module_db.session.scalars(select(Institution))}
    context = {"institutions": institutions, "make_expert": expert_factory(institutions),
               "target": user_factory(institutions)(Role.HR_OFFICER, "POLICE", email="target@example.org")}
    for build in CTX_BUILDERS:
        build(context)
    module_db.session.commit()
    return detach(context)


@pytest.fixture
def ctx(db, route_objects):
    """The table's objects, in the test's session."""
    return attach(route_objects)
