"""The duty-of-care checklist of a tour filled in, for tests that move a tour to "deployed"."""
from datetime import date

from seconding.extensions import db
from seconding.models.care import CHECKLIST_ITEMS, DeploymentCare


def complete_checklist(tour, on: date) -> DeploymentCare:
    """Every item of the tour's pre-deployment checklist done on `on`."""
    care = tour.care or DeploymentCare(deployment=tour)
    db.session.add(care)
    for item in CHECKLIST_ITEMS:
        setattr(care, f"{item}_on", on)
    db.session.flush()
    return care
