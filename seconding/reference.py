"""Reference data of SPEC §4 and §11, loaded idempotently (`flask seed-reference`, `flask seed-demo`)."""
from sqlalchemy import select

from seconding.extensions import db
from seconding.models import Institution, InstitutionKind

# (code, English name, Polish name, kind, parent code)
INSTITUTIONS = (
    ("MFA", "Ministry of Foreign Affairs", "Ministerstwo Spraw Zagranicznych", InstitutionKind.MINISTRY, None),
    ("MIA", "Ministry of the Interior and Administration", "Ministerstwo Spraw Wewnętrznych i Administracji",
     InstitutionKind.MINISTRY, "MFA"),
    ("MF", "Ministry of Finance", "Ministerstwo Finansów", InstitutionKind.MINISTRY, "MFA"),
    ("MJ", "Ministry of Justice", "Ministerstwo Sprawiedliwości", InstitutionKind.MINISTRY, "MFA"),
    ("MND", "Ministry of National Defence", "Ministerstwo Obrony Narodowej", InstitutionKind.MINISTRY, "MFA"),
    ("MCNH", "Ministry of Culture and National Heritage", "Ministerstwo Kultury i Dziedzictwa Narodowego",
     InstitutionKind.MINISTRY, "MFA"),
    ("POLICE", "Police", "Policja", InstitutionKind.SERVICE, "MIA"),
    ("BORDER_GUARD", "Border Guard", "Straż Graniczna", InstitutionKind.SERVICE, "MIA"),
    ("NRA", "National Revenue Administration", "Krajowa Administracja Skarbowa", InstitutionKind.SERVICE, "MF"),
    ("PRISON", "Prison Service", "Służba Więzienna", InstitutionKind.SERVICE, "MJ"),
    ("INDEPENDENT", "Independent experts pool", "Pula ekspertów niezależnych", InstitutionKind.OTHER, "MFA"),
)


def seed_institutions() -> int:
    """Create missing institutions and fix names and parents of existing ones; returns how many were created."""
    existing = {i.code: i for i in db.session.scalars(select(Institution))}
    created = 0
    for code, name_en, name_pl, kind, parent_code in INSTITUTIONS:
        inst = existing.get(code)
        if inst is None:
            inst = Institution(code=code)
            db.session.add(inst)
            existing[code] = inst
            created += 1
        inst.name_en, inst.name_pl, inst.kind = name_en, name_pl, kind
        inst.parent = existing[parent_code] if parent_code else None
    db.session.flush()
    return created


def seed_reference() -> dict[str, int]:
    """Load every kind of reference data that exists so far; returns counts of created rows by kind."""
    return {"institutions": seed_institutions()}
