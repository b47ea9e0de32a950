"""Demo data of this area: open calls for contributions with positions (fictional references and posts)."""
from datetime import time, timedelta

from sqlalchemy import select

from seconding.dates import BRUSSELS, WARSAW, to_utc, today_in_warsaw
from seconding.extensions import db
from seconding.missions.requirements import parse_languages
from seconding.missions.services import CfcData, PositionData, create_cfc, create_position, known_codes
from seconding.models import CefrLevel, Cfc, CfcKind, ClearanceLevel, DrivingLicence, Mission, Regime

B, B4 = DrivingLicence.B, DrivingLicence.B_4X4
R, C, S = ClearanceLevel.RESTRICTED, ClearanceLevel.CONFIDENTIAL, ClearanceLevel.SECRET
SEC, SEC_CON = Regime.SECONDED, Regime.SECONDED_CONTRACTED

# (mission, reference with {year}, kind, days to the national and the EEAS deadline, positions)
# position: (code, title, location, regime, posts, start in days (None = ASAP), clearance, years, essential,
#            desirable, expertise, licence, extra required courses, desirable courses)
DEMO_CFCS = (
    ("EUMM Georgia", "EUMM Georgia 2-{year}", CfcKind.REGULAR, 17, 24, (
        ("GEO ZM 12", "Monitor", "Zugdidi Field Office", SEC, 3, None, R, 5, "en:B2", "ru:B1;ka:A2",
         "monitoring", B4, "", "CSDP_OC"),
        ("GEO HQ 07", "Human Rights Adviser", "Tbilisi, Mission HQ", SEC, 1, 90, S, 8, "en:C1", "ru:B2",
         "human_rights", B, "", "EHEST"),
        ("GEO GO 03", "Mission Security Officer", "Gori Field Office", SEC_CON, 1, None, S, 6, "en:B2", "ru:B1",
         "mission_support", B4, "", "CEPOL"),
    )),
    ("EUMA", "EUMA 3-{year}", CfcKind.EXTRAORDINARY, 10, 14, (
        ("ARM YE 15", "Monitor", "Yeghegnadzor Field Office", SEC, 4, None, R, 3, "en:B2", "ru:B1;hy:A2",
         "monitoring", B4, "", "CSDP_OC"),
        ("ARM MA 04", "Reporting Officer", "Martuni Field Office", SEC, 1, 45, C, 5, "en:C1", "ru:B2",
         "monitoring", B, "", ""),
    )),
    ("EUPM Moldova", "EUPM Moldova 1-{next_year}", CfcKind.REGULAR, 30, 38, (
        ("MDA CH 05", "Border Management Adviser", "Chișinău, Mission HQ", SEC, 1, 75, S, 7, "en:C1", "ro:B1",
         "border_management", B, "CSDP_OC", "EUPCST"),
        ("MDA CH 11", "Cyber Security Adviser", "Chișinău, Mission HQ", SEC, 1, 75, C, 5, "en:C1", "ro:B2",
         "cybersecurity", B, "", "CEPOL"),
        ("MDA CH 14", "Community Policing Adviser", "Chișinău, Mission HQ", SEC_CON, 2, None, R, 5, "en:B2;ro:B1",
         "ru:B1", "community_policing", B, "", "PL_UN"),
    )),
)


def _languages(text: str) -> list[tuple[str, CefrLevel]]:
    return parse_languages(text)


def seed_demo_data() -> list[str]:
    """Add the demo CfCs that are not there yet (deadlines in the future from today); returns lines to print."""
    today = today_in_warsaw()
    missions = {m.acronym: m for m in db.session.scalars(select(Mission))}
    existing = set(db.session.scalars(select(Cfc.reference)))
    codes = known_codes()
    created = []
    for acronym, pattern, kind, national_days, eeas_days, positions in DEMO_CFCS:
        reference = pattern.format(year=today.year, next_year=today.year + 1)
        if reference in existing or acronym not in missions:
            continue
        cfc = create_cfc(CfcData(
            mission_id=missions[acronym].id, reference=reference, kind=kind,
            published_on=today - timedelta(days=5),
            national_deadline=to_utc(today + timedelta(days=national_days), time(12, 0), WARSAW),
            eeas_deadline=to_utc(today + timedelta(days=eeas_days), time(17, 0), BRUSSELS),
        ))
        for (code, title, location, regime, posts, start_days, clearance, years, essential, desirable, area,
             licence, required, wanted) in positions:
            create_position(cfc, PositionData(
                reference=code, title=title, location=location, regime=regime, posts=posts,
                available_on=today + timedelta(days=start_days) if start_days is not None else None,
                clearance_level=clearance, min_experience_years=years,
                languages_essential=_languages(essential), languages_desirable=_languages(desirable),
                expertise=area, driving_licence=licence,
                courses_required=[c for c in required.split(";") if c],
                courses_desirable=[c for c in wanted.split(";") if c],
            ), codes=codes)
        created.append(f"{reference} ({len(positions)} positions)")
    return [f"Calls for contributions: {', '.join(created) if created else 'none new'}"]
