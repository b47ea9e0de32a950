"""Generate a pool of N fictional experts with realistic distributions into the benchmark database."""
import random

from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.demo.experts import fictional_expert
from seconding.experts.bulk import insert_experts
from seconding.extensions import db
from seconding.models import Expert
from seconding.reference import seed_reference


def ensure_pool(app, n: int, seed: int = 13) -> bool:
    """Create the schema, reference data and n experts unless they are there; True when generated now."""
    with app.app_context():
        db.create_all()
        seed_reference()
        db.session.commit()
        if db.session.scalar(select(func.count(Expert.id))) >= n:
            return False
        rng = random.Random(seed)
        today = today_in_warsaw()
        insert_experts(fictional_expert(rng, i, today) for i in range(1, n + 1))
        db.session.commit()
        return True
