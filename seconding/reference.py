"""Reference data of SPEC §4 and §11, loaded idempotently (`flask seed-reference`, `flask seed-demo`)."""
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seconding.extensions import db
from seconding.models import Course, ExpertiseArea, Institution, InstitutionKind, Mission

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


# The short names people write for the institutions, in the page's language (MSZ, Policja; MFA, Police in
# English): pages, e-mails and reports show these, never the codes, which stay in files, the API and the CLI.
# An institution missing here (none is added but by this module) is shown by its code.
INSTITUTION_SHORT_NAMES = {
    # TRANSLATORS: the usual abbreviation of the Ministry of Foreign Affairs (Polish: MSZ).
    "MFA": _l("MFA"),
    # TRANSLATORS: the usual abbreviation of the Ministry of the Interior and Administration (Polish: MSWiA).
    "MIA": _l("MIA"),
    # TRANSLATORS: the usual abbreviation of the Ministry of Finance (Polish: MF).
    "MF": _l("MF"),
    # TRANSLATORS: the usual abbreviation of the Ministry of Justice (Polish: MS).
    "MJ": _l("MJ"),
    # TRANSLATORS: the usual abbreviation of the Ministry of National Defence (Polish: MON).
    "MND": _l("MND"),
    # TRANSLATORS: the usual abbreviation of the Ministry of Culture and National Heritage (Polish: MKiDN).
    "MCNH": _l("MCNH"),
    "POLICE": _l("Police"),
    "BORDER_GUARD": _l("Border Guard"),
    # TRANSLATORS: the usual abbreviation of the National Revenue Administration (Polish: KAS).
    "NRA": _l("NRA"),
    "PRISON": _l("Prison Service"),
    "INDEPENDENT": _l("Independent experts"),
}


def institution_short_name(institution) -> str:
    """The short name of an institution (or of an institution code) in the current language."""
    code = getattr(institution, "code", institution) or ""
    name = INSTITUTION_SHORT_NAMES.get(code)
    return str(name) if name is not None else code


def institution_choice(institution, locale: str) -> str:
    """An institution as a list of choices names it: its short name and its full name (once when they are one)."""
    short, name = institution_short_name(institution), institution.name(locale)
    return short if short == name else f"{short} — {name}"


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


# (code, English name, Polish name)
EXPERTISE_AREAS = (
    ("border_management", "Border management", "Zarządzanie granicą"),
    ("community_policing", "Community policing", "Policja społeczna"),
    ("rule_of_law", "Rule of law", "Praworządność"),
    ("organised_crime", "Organised crime", "Przestępczość zorganizowana"),
    ("anti_corruption", "Anti-corruption", "Przeciwdziałanie korupcji"),
    ("customs", "Customs", "Cła"),
    ("prison_management", "Prison management", "Zarządzanie więziennictwem"),
    ("maritime_security", "Maritime security", "Bezpieczeństwo morskie"),
    ("cybersecurity", "Cybersecurity", "Cyberbezpieczeństwo"),
    ("human_rights", "Human rights", "Prawa człowieka"),
    ("monitoring", "Monitoring", "Monitorowanie"),
    ("cultural_heritage", "Cultural heritage", "Dziedzictwo kulturowe"),
    ("mission_support", "Mission support", "Wsparcie misji"),
    ("gender_advisory", "Gender advisory", "Doradztwo ds. równości płci"),
)

# (code, name, provider, validity in months (None: no expiry; "HEAT": from configuration), mandatory)
COURSES = (
    ("PDT", "ESDC CSDP Pre-Deployment Training", "ESDC", None, True),
    ("HEAT", "Hostile Environment Awareness Training", "", "HEAT", True),
    ("EHEST", "eHEST e-learning (prerequisite for PDT)", "ESDC", None, False),
    ("CSDP_OC", "ESDC CSDP Orientation Course", "ESDC", None, False),
    ("CSDP_HLC", "ESDC CSDP High Level Course", "ESDC", None, False),
    ("INDUCTION", "Mission induction training", "Mission", None, False),
    ("PL_UN", "National peace-mission (UN) course for police", "Police", None, False),
    ("EUPCST", "EU Police and Civilian Services Training", "EUPCST", None, False),
    ("CEPOL", "CEPOL course", "CEPOL", None, False),
    ("LET4CAP", "LET4CAP course", "LET4CAP", None, False),
)


def seed_expertise_areas() -> int:
    """Create missing expertise areas; existing ones are left as an admin edited them."""
    existing = set(db.session.scalars(select(ExpertiseArea.code)))
    new = [ExpertiseArea(code=c, name_en=en, name_pl=pl) for c, en, pl in EXPERTISE_AREAS if c not in existing]
    db.session.add_all(new)
    db.session.flush()
    return len(new)


def seed_courses() -> int:
    """Create missing courses; validity and the mandatory flag of existing ones stay as an admin set them."""
    existing = set(db.session.scalars(select(Course.code)))
    heat_months = current_app.config["HEAT_VALIDITY_MONTHS"]
    new = [
        Course(code=code, name=name, provider=provider, mandatory=mandatory,
               validity_months=heat_months if validity == "HEAT" else validity)
        for code, name, provider, validity, mandatory in COURSES
        if code not in existing
    ]
    db.session.add_all(new)
    db.session.flush()
    if any(course.mandatory for course in new):
        from seconding.training import summary  # imported here: the training package builds on the reference data

        summary.refresh()  # experts already in the pool are measured against the new mandatory course
    return len(new)


# Civilian CSDP missions of SPEC §11: (acronym, name, host country, HQ city, since, mandate end or None where the
# table says "(check)"). Military operations (EUFOR ALTHEA, EUMAM Ukraine, EUNAVFOR ATALANTA, ...) are not listed.
MISSIONS = (
    ("EULEX Kosovo", "EU Rule of Law Mission in Kosovo", "Kosovo", "Pristina", 2008, date(2027, 6, 14)),
    ("EUMM Georgia", "EU Monitoring Mission in Georgia", "Georgia", "Tbilisi", 2008, None),
    ("EUAM Ukraine", "EU Advisory Mission for Civilian Security Sector Reform Ukraine", "Ukraine", "Kyiv", 2014,
     date(2027, 5, 31)),
    ("EUMA", "EU Mission in Armenia", "Armenia", "Yeghegnadzor", 2023, date(2027, 2, 19)),
    ("EUPM Moldova", "EU Partnership Mission in the Republic of Moldova", "Moldova", "Chișinău", 2023,
     date(2027, 5, 31)),
    ("EUAM Iraq", "EU Advisory Mission in support of Security Sector Reform in Iraq", "Iraq", "Baghdad", 2017,
     date(2026, 4, 30)),
    ("EUBAM Libya", "EU Integrated Border Management Assistance Mission in Libya", "Libya", "Tripoli", 2013,
     date(2027, 6, 30)),
    ("EUBAM Rafah", "EU Border Assistance Mission at the Rafah Crossing Point", "Palestinian territories", "", 2005,
     date(2026, 6, 30)),
    ("EUPOL COPPS", "EU Police and Rule of Law Mission for the Palestinian Territories", "Palestinian territories",
     "Ramallah", 2006, date(2026, 6, 30)),
    ("EUCAP Somalia", "EU Capacity Building Mission in Somalia", "Somalia", "Mogadishu", 2012, date(2027, 2, 28)),
    ("EUCAP Sahel Mali", "EU Capacity Building Mission in Mali", "Mali", "Bamako", 2015, None),
    ("EUAM RCA", "EU Advisory Mission in the Central African Republic", "Central African Republic", "Bangui", 2020,
     date(2026, 8, 7)),
)


def seed_missions() -> int:
    """Create missing missions; existing ones stay as an admin or coordinator edited them."""
    existing = set(db.session.scalars(select(Mission.acronym)))
    new = [
        Mission(acronym=acronym, name=name, host_country=country, hq_city=city, start_year=since,
                mandate_end=mandate_end, active=True)
        for acronym, name, country, city, since, mandate_end in MISSIONS
        if acronym not in existing
    ]
    db.session.add_all(new)
    db.session.flush()
    return len(new)


def seed_reference() -> dict[str, int]:
    """Load every kind of reference data that exists so far; returns counts of created rows by kind."""
    from seconding.nip.reference import seed_commitments

    return {
        "institutions": seed_institutions(),
        "expertise areas": seed_expertise_areas(),
        "courses": seed_courses(),
        "missions": seed_missions(),
        "Compact commitments": seed_commitments(),
    }
