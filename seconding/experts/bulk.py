"""Bulk loading of many fictional experts at once (demo data and the benchmark), with core inserts."""
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import insert, select, text

from seconding.extensions import db
from seconding.models import (
    Course,
    Education,
    Employment,
    Expert,
    ExpertExpertise,
    ExpertiseArea,
    ExpertLanguage,
    Institution,
    MissionHistory,
    TrainingRecord,
    Unavailability,
)
from seconding.training.queries import mandatory_course_ids
from seconding.training.status import computed_expiry
from seconding.training.summary import valid_until


def insert_experts(rows: Iterable[dict], batch: int = 5000) -> int:
    """Insert experts given as fictional_expert() dicts, batch at a time (a generator of them is never held whole);
    returns how many were inserted."""
    institutions, areas, courses = lookups()
    mandatory = set(mandatory_course_ids())
    now = datetime.now(UTC)
    rows, inserted = iter(rows), 0
    while chunk := list(islice(rows, batch)):
        inserted += len(chunk)
        expert_rows = [{
            "institution_id": institutions[r["institution"]], "external_id": r["external_id"],
            "given_name": r["given_name"], "family_name": r["family_name"], "sex": r["sex"],
            "date_of_birth": r["date_of_birth"], "email": r["email"], "phone": r["phone"], "rank": r["rank"],
            "experience_years": r["experience_years"], "clearance_level": r["clearance_level"],
            "clearance_expires": r["clearance_expires"], "passport_expires": r["passport_expires"],
            "driving_licence": r["driving_licence"], "available_from": r["available_from"],
            "short_notice": r["short_notice"], "pool_status": r["pool_status"], "consent_on": r["consent_on"],
            "confirmed_at": r.get("confirmed_at"), "notes": "", "created_at": now, "updated_at": now, "version": 1,
            "search_text": Expert.search_key(r["family_name"], r["given_name"], r["external_id"]),
            "training_valid_until": valid_until([(courses[code][0], computed_expiry(completed, courses[code][1]))
                                                 for code, completed in r["trainings"]], mandatory),
        } for r in chunk]
        ids = list(db.session.scalars(insert(Expert).returning(Expert.id, sort_by_parameter_order=True),
                                      expert_rows))
        languages, expertise, trainings, periods, history, education, employment = [], [], [], [], [], [], []
        for expert_id, r in zip(ids, chunk, strict=True):
            languages += [{"expert_id": expert_id, "code": c, "level": lv} for c, lv in r["languages"].items()]
            expertise += [{"expert_id": expert_id, "area_id": areas[code], "primary": i == 0}
                          for i, code in enumerate(r["expertise"])]
            for code, completed in r["trainings"]:
                course_id, validity = courses[code]
                trainings.append({"expert_id": expert_id, "course_id": course_id, "completed_on": completed,
                                  "expires_on": computed_expiry(completed, validity), "certificate_ref": "",
                                  "created_at": now})
            periods += [{"expert_id": expert_id, "start": s, "end": e, "reason": why}
                        for s, e, why in r["unavailability"]]
            history += [{"expert_id": expert_id, "mission": m, "host_country": c, "csdp": m != "UNMIK",
                         "role": "", "start": s, "end": e} for m, c, s, e in r["history"]]
            education += [{"expert_id": expert_id, "level": level, "field": field, "organisation": school,
                           "country": country, "start": s, "end": e, "degree": degree}
                          for level, field, school, country, s, e, degree in r.get("education", ())]
            employment += [{"expert_id": expert_id, "employer": employer, "position": position, "start": s,
                            "end": e, "duties": duties} for employer, position, s, e, duties in r.get("employment", ())]
        for model, values in ((ExpertLanguage, languages), (ExpertExpertise, expertise),
                              (TrainingRecord, trainings), (Unavailability, periods), (MissionHistory, history),
                              (Education, education), (Employment, employment)):
            if values:  # experts inserted just now, with a new facts version each (seconding/matches/cache.py)
                db.session.execute(insert(model).execution_options(stamp_facts=False), values)
    db.session.flush()
    # Fresh planner statistics after a bulk load, as one would run by hand (autovacuum does it later on
    # PostgreSQL; SQLite has none until ANALYZE, and without them it sorts a filtered pool instead of walking the
    # list's order).
    db.session.execute(text("ANALYZE"))
    return inserted


def lookups() -> tuple[dict, dict, dict]:
    """Ids of institutions, expertise areas and courses (id, validity) by code."""
    institutions = dict(db.session.execute(select(Institution.code, Institution.id)).all())
    areas = dict(db.session.execute(select(ExpertiseArea.code, ExpertiseArea.id)).all())
    rows = db.session.execute(select(Course.code, Course.id, Course.validity_months))
    courses = {code: (course_id, validity) for code, course_id, validity in rows}
    return institutions, areas, courses
