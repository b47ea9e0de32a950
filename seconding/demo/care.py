"""Demo duty of care, for `seed-demo`: the missions' locations (named as the demo positions name them) with their risk
and 24/7 contact; the tours under way with their location, a complete checklist and the expert's emergency contacts;
the planned tours with a checklist begun; one incident."""
from datetime import timedelta

from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.extensions import db
from seconding.models import Deployment, Mission
from seconding.models.care import (
    CHECKLIST_ITEMS,
    DeploymentCare,
    EmergencyContact,
    Incident,
    IncidentKind,
    MissionLocation,
    RiskLevel,
)
from seconding.models.enums import DeploymentStatus

CONSULAR = "Konsul dyżurny MSZ (Consular duty officer, Warsaw)"
# mission: (location, risk, 24/7 contact, phone, e-mail, notes)
LOCATIONS = {
    "EUMM Georgia": [
        ("Tbilisi, Mission HQ", RiskLevel.MODERATE, "Embassy of Poland in Tbilisi, duty officer", "+995 32 000 0000",
         "tbilisi.duty@example.org", ""),
        ("Gori Field Office", RiskLevel.HIGH, CONSULAR, "+48 22 000 0000", "konsul.dyzurny@example.org",
         "Patrols near the administrative boundary line: movement in pairs, armoured vehicles only."),
        ("Zugdidi Field Office", RiskLevel.HIGH, CONSULAR, "+48 22 000 0000", "konsul.dyzurny@example.org", ""),
    ],
    "EUMA": [
        ("Yeghegnadzor Field Office", RiskLevel.MODERATE, "Embassy of Poland in Yerevan, duty officer",
         "+374 10 000 000", "yerevan.duty@example.org", "Mountain roads closed by snow from December to March."),
        ("Martuni Field Office", RiskLevel.HIGH, CONSULAR, "+48 22 000 0000", "konsul.dyzurny@example.org", ""),
    ],
    "EUAM Ukraine": [
        ("Kyiv, Mission HQ", RiskLevel.HIGH, "Embassy of Poland in Kyiv, duty officer", "+380 44 000 0000",
         "kyiv.duty@example.org", "Air-raid alerts: shelter plan in the mission's security brief."),
        ("Kharkiv Field Office", RiskLevel.VERY_HIGH, CONSULAR, "+48 22 000 0000", "konsul.dyzurny@example.org", ""),
    ],
    "EULEX Kosovo": [
        ("Pristina, Mission HQ", RiskLevel.LOW, "Embassy of Poland in Pristina, duty officer", "+383 38 000 000",
         "pristina.duty@example.org", ""),
    ],
    "EUPM Moldova": [
        ("Chișinău, Mission HQ", RiskLevel.LOW, "Embassy of Poland in Chișinău, duty officer", "+373 22 000 000",
         "chisinau.duty@example.org", ""),
    ],
}
CONTACTS = (("spouse", "Małgorzata"), ("brother", "Tomasz"), ("mother", "Barbara"), ("partner", "Katarzyna"))


def seed_demo_data() -> list[str]:
    """Add the locations and the tours' care once (nothing when locations exist)."""
    if db.session.scalar(select(func.count(MissionLocation.id))):
        return ["Duty of care: locations exist already, none added"]
    missions = {m.acronym: m for m in db.session.scalars(select(Mission).where(Mission.acronym.in_(LOCATIONS)))}
    places: dict[str, list[MissionLocation]] = {}
    for acronym, rows in LOCATIONS.items():
        if acronym not in missions:
            continue
        for name, risk, contact, phone, email, notes in rows:
            place = MissionLocation(mission=missions[acronym], name=name, risk_level=risk, contact_name=contact,
                                    contact_phone=phone, contact_email=email, notes=notes)
            db.session.add(place)
            places.setdefault(acronym, []).append(place)
    db.session.flush()
    today = today_in_warsaw()
    tours = db.session.scalars(select(Deployment).where(Deployment.status.in_(
        [DeploymentStatus.PLANNED, DeploymentStatus.PRE_DEPLOYMENT, DeploymentStatus.DEPLOYED]))
        .order_by(Deployment.id)).all()
    for n, tour in enumerate(tours):
        care = DeploymentCare(deployment=tour)
        db.session.add(care)
        named = tour.position.location if tour.position else ""
        if not any(place.name == named for place in places.get(tour.mission.acronym, [])):
            care.location = next(iter(places.get(tour.mission.acronym, [])), None)  # else the position's own
        if tour.status == DeploymentStatus.DEPLOYED:
            before = tour.start - timedelta(days=40)
            for step, item in enumerate(CHECKLIST_ITEMS):
                setattr(care, f"{item}_on", before + timedelta(days=5 * step))
            care.insurance_note = "Group policy of the ministry, extended to the tour's end"
        else:  # a tour still to start: the medical done, the rest to do
            care.medical_on = min(today, tour.start) - timedelta(days=7)
        relation, given = CONTACTS[n % len(CONTACTS)]
        db.session.add(EmergencyContact(expert=tour.expert, name=f"{given} {tour.expert.family_name}",
                                        relation=relation, phone=f"+48 600 000 {100 + n:03d}", next_of_kin=True,
                                        notes="Speaks Polish and English."))
        if tour.status == DeploymentStatus.DEPLOYED and tour.mission.acronym == "EUAM Ukraine":
            db.session.add(Incident(deployment=tour, occurred_on=min(today, tour.start + timedelta(days=60)),
                                    kind=IncidentKind.SECURITY,
                                    description="Air-raid alert during a visit to a regional police unit; the team "
                                                "sheltered for two hours, no one was hurt.",
                                    follow_up="Visit plans now include the nearest shelter.",
                                    informed="Mission security officer; the ministry's duty officer"))
    db.session.flush()
    count = sum(len(rows) for rows in places.values())
    return [f"Duty of care: {count} mission locations; {len(tours)} active tours with their checklist and "
            "emergency contacts"]
