"""Role sets used by the route tables."""
from seconding.models import Role

ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
COORD = frozenset({Role.ADMIN, Role.COORDINATOR})
PERSONAL = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR_OFFICER})
PUBLIC = None
