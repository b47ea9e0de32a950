"""A fictional pool for the demo (`seed-demo`) and the benchmark (bench/generate.py): realistic distributions."""
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from seconding.dates import add_months, today_in_warsaw
from seconding.experts.bulk import insert_experts  # the same bulk loader as the benchmark
from seconding.extensions import db
from seconding.models import Expert

GIVEN_M = ("Adam", "Andrzej", "Bartosz", "Damian", "Dariusz", "Grzegorz", "Jakub", "Jan", "Kamil", "Krzysztof",
           "Łukasz", "Marcin", "Marek", "Mateusz", "Michał", "Paweł", "Piotr", "Rafał", "Robert", "Tomasz",
           "Wojciech", "Zbigniew")
GIVEN_F = ("Agnieszka", "Aleksandra", "Anna", "Barbara", "Ewa", "Joanna", "Justyna", "Katarzyna", "Magdalena",
           "Małgorzata", "Marta", "Monika", "Natalia", "Paulina", "Zofia", "Dorota", "Karolina", "Beata")
# Family names with a masculine and a feminine form.
FAMILY = (("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
          ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"),
          ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
          ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Krawczyk", "Krawczyk"),
          ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"), ("Nowakowski", "Nowakowska"),
          ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"), ("Adamczyk", "Adamczyk"), ("Dudek", "Dudek"),
          ("Zając", "Zając"), ("Wieczorek", "Wieczorek"), ("Jabłoński", "Jabłońska"), ("Król", "Król"),
          ("Majewski", "Majewska"), ("Olszewski", "Olszewska"), ("Jaworski", "Jaworska"), ("Wróbel", "Wróbel"))
RANKS = {
    "POLICE": ("aspirant", "starszy aspirant", "podkomisarz", "komisarz", "nadkomisarz", "podinspektor"),
    "BORDER_GUARD": ("chorąży SG", "podporucznik SG", "porucznik SG", "kapitan SG", "major SG"),
    "NRA": ("młodszy rachmistrz", "rachmistrz", "starszy rachmistrz", "aspirant celny"),
    "PRISON": ("plutonowy", "sierżant", "chorąży", "porucznik", "kapitan"),
    "INDEPENDENT": ("",),
}
INSTITUTION_SHARE = (("POLICE", 45), ("BORDER_GUARD", 25), ("NRA", 12), ("PRISON", 8), ("INDEPENDENT", 10))
EXPERTISE_BY_INSTITUTION = {
    "POLICE": ("community_policing", "organised_crime", "anti_corruption", "cybersecurity", "monitoring",
               "human_rights", "gender_advisory"),
    "BORDER_GUARD": ("border_management", "maritime_security", "organised_crime", "monitoring"),
    "NRA": ("customs", "border_management", "anti_corruption"),
    "PRISON": ("prison_management", "rule_of_law", "human_rights"),
    "INDEPENDENT": ("rule_of_law", "human_rights", "mission_support", "cultural_heritage", "gender_advisory",
                    "cybersecurity"),
}
OTHER_LANGUAGES = (("ru", 30), ("de", 10), ("fr", 8), ("uk", 6), ("ro", 3), ("ka", 2), ("hy", 1), ("es", 4),
                   ("sq", 1), ("ar", 1))
LEVELS = (("A2", 5), ("B1", 20), ("B2", 35), ("C1", 30), ("C2", 10))
CLEARANCES = (("NONE", 30), ("RESTRICTED", 15), ("CONFIDENTIAL", 25), ("SECRET", 25), ("TOP_SECRET", 5))
PAST_MISSIONS = (("EUMM Georgia", "Georgia"), ("EULEX Kosovo", "Kosovo"), ("EUAM Ukraine", "Ukraine"),
                 ("EUBAM Libya", "Libya"), ("UNMIK", "Kosovo"))


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def fictional_expert(rng: random.Random, n: int, today: date) -> dict:
    """One fictional expert as plain values (institution code, fields, languages, expertise, trainings...)."""
    institution = _pick(rng, INSTITUTION_SHARE)
    sex = "F" if rng.random() < 0.32 else "M"
    family = rng.choice(FAMILY)[1 if sex == "F" else 0]
    given = rng.choice(GIVEN_F if sex == "F" else GIVEN_M)
    languages = {"pl": "native", "en": _pick(rng, LEVELS)}
    for code, share in OTHER_LANGUAGES:
        if rng.random() * 100 < share:
            languages[code] = _pick(rng, LEVELS)
    areas = list(EXPERTISE_BY_INSTITUTION[institution])
    rng.shuffle(areas)
    clearance = _pick(rng, CLEARANCES)
    trainings = []
    if rng.random() < 0.75:
        trainings.append(("PDT", today - timedelta(days=rng.randint(30, 2500))))
    if rng.random() < 0.7:
        trainings.append(("HEAT", today - timedelta(days=rng.randint(10, 1250))))
    for code, share in (("EHEST", 0.5), ("CSDP_OC", 0.15), ("PL_UN", 0.1 if institution == "POLICE" else 0),
                        ("CEPOL", 0.08), ("EUPCST", 0.05)):
        if rng.random() < share:
            trainings.append((code, today - timedelta(days=rng.randint(30, 3000))))
    unavailability = []
    if rng.random() < 0.1:
        start = today + timedelta(days=rng.randint(-60, 300))
        unavailability.append((start, start + timedelta(days=rng.randint(7, 120)), rng.choice(
            ("training course", "family leave", "court testimony", "medical leave"))))
    history = []
    if rng.random() < 0.25:
        mission, country = rng.choice(PAST_MISSIONS)
        start = today - timedelta(days=rng.randint(800, 4000))
        history.append((mission, country, start, add_months(start, 12)))
    return {
        "institution": institution,
        "external_id": f"{institution[:2]}{n:07d}",
        "given_name": given,
        "family_name": family,
        "sex": sex,
        "date_of_birth": today - timedelta(days=rng.randint(26 * 365, 60 * 365)),
        "email": None if institution == "INDEPENDENT" and rng.random() < 0.3 else
        f"{given.lower()}.{family.lower()}{n}@example.org".replace("ł", "l").replace("ś", "s").replace("ź", "z")
        .replace("ż", "z").replace("ą", "a").replace("ę", "e").replace("ó", "o").replace("ć", "c").replace("ń", "n"),
        "phone": f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        "rank": rng.choice(RANKS[institution]) or None,
        "experience_years": max(0, min(35, int(rng.gauss(11, 6)))),
        "languages": languages,
        "expertise": areas[: rng.choice((1, 1, 2, 3))],
        "clearance_level": clearance,
        "clearance_expires": None if clearance == "NONE" else today + timedelta(days=rng.randint(-200, 1800)),
        "passport_expires": None if rng.random() < 0.12 else today + timedelta(days=rng.randint(-300, 3600)),
        "driving_licence": _pick(rng, (("NONE", 10), ("B", 60), ("B_4X4", 30))),
        "available_from": None if rng.random() < 0.7 else today + timedelta(days=rng.randint(-100, 300)),
        "short_notice": rng.random() < 0.2,
        "pool_status": _pick(rng, (("active", 85), ("suspended", 10), ("left", 5))),
        "consent_on": today - timedelta(days=rng.randint(1, 900)) if rng.random() < 0.9 else None,
        "trainings": trainings,
        "unavailability": unavailability,
        "history": history,
        "confirmed_at": _confirmed_at(n, today),
        **_cv(n, institution, today),
    }


SCHOOLS = {
    "POLICE": ("Akademia Policji w Szczytnie", "Internal security"),
    "BORDER_GUARD": ("Centralny Ośrodek Szkolenia Straży Granicznej", "Border management"),
    "NRA": ("Szkoła Główna Handlowa w Warszawie", "Customs and taxation"),
    "PRISON": ("Centralny Ośrodek Szkolenia Służby Więziennej", "Penitentiary studies"),
}
EMPLOYERS = {"POLICE": "Policja", "BORDER_GUARD": "Straż Graniczna", "NRA": "Krajowa Administracja Skarbowa",
             "PRISON": "Służba Więzienna"}


def _cv(n: int, institution: str, today: date) -> dict:
    """Education and posts: nine in ten CVs have both. A generator of its own (seeded by the number), so the rest
    of the pool stays as it was generated before."""
    rng = random.Random(f"cv-{n}")
    if rng.random() < 0.1:
        return {"education": [], "employment": []}
    school, field = SCHOOLS.get(institution, ("Uniwersytet Warszawski", "Law"))
    graduated = today - timedelta(days=rng.randint(6 * 365, 25 * 365))
    education = [("master", field, "Uniwersytet Warszawski" if rng.random() < 0.4 else school, "Poland",
                  graduated - timedelta(days=5 * 365), graduated, "magister")]
    employer = EMPLOYERS.get(institution, "Ministerstwo Spraw Zagranicznych")
    promoted = today - timedelta(days=rng.randint(200, 2000))
    employment = [(employer, "Senior specialist", promoted, None, "Leads a team of the service's unit."),
                  (employer, "Specialist", graduated + timedelta(days=60), promoted - timedelta(days=1), "")]
    return {"education": education, "employment": employment}


def _confirmed_at(n: int, today: date) -> datetime | None:
    """When the profile was last confirmed as current: three in four were, some of them long ago.

    A generator of its own (seeded by the number), so the rest of the pool stays as it was generated before."""
    rng = random.Random(f"confirmed-{n}")
    if rng.random() < 0.25:
        return None
    day = today - timedelta(days=rng.randint(0, 420))
    return datetime.combine(day, time(rng.randint(6, 15), rng.randint(0, 59)), tzinfo=UTC)


def seed_demo_data(count: int = 300, seed: int = 2026) -> list[str]:
    """Add a fictional pool of about `count` experts (once: nothing is added when experts exist)."""
    if db.session.scalar(select(func.count(Expert.id))):
        return ["Pool: experts exist already, none added"]

    rng = random.Random(seed)
    today = today_in_warsaw()
    rows = [fictional_expert(rng, n, today) for n in range(1, count + 1)]
    insert_experts(rows)
    return [f"Pool: {count} fictional experts added"]
