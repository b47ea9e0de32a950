"""Demo debrief and appraisal: the first completed demo tour gets both, for `seed-demo`."""
from datetime import timedelta

from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.debrief.services import debrief_of, save_appraisal, save_debrief
from seconding.extensions import db
from seconding.models import Deployment, Role, User
from seconding.models.debrief import GoAgain, Rating
from seconding.models.enums import DeploymentStatus


def seed_demo_data() -> list[str]:
    """Give the first completed tour a debrief and an appraisal (nothing when it has them already)."""
    tour = db.session.scalar(select(Deployment).where(Deployment.status == DeploymentStatus.COMPLETED)
                             .order_by(Deployment.id))
    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR).order_by(User.id))
    if tour is None or coordinator is None:
        return ["After the tour: no completed tour, no debrief added"]
    if debrief_of(tour) is not None:
        return ["After the tour: the demo debrief exists already"]
    today = today_in_warsaw()
    held_on = min(tour.end_date + timedelta(days=14), today)
    save_debrief(tour, held_on=held_on, held_by=coordinator, held_by_name="", go_again=GoAgain.YES,
                 lessons="Winter patrols start before dawn: bring proper boots and a head torch. The team works in "
                         "English; some Russian opens doors at checkpoints.",
                 notes="Rested and keen to go again after a year at home.", version=None, today=today)
    save_appraisal(tour, received_on=min(tour.end_date + timedelta(days=30), today),
                   assessment="A reliable monitor who reported accurately and kept calm under pressure.",
                   ratings={"professional_knowledge": Rating.EXCEEDS, "teamwork": Rating.MEETS,
                            "communication": Rating.MEETS, "adaptability": Rating.EXCEEDS,
                            "integrity": Rating.MEETS, "language_use": None},
                   version=None, today=today)
    return [f"After the tour: a debrief and an appraisal for the {tour.mission.acronym} tour"]
