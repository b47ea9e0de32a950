"""The XLSX register's extra sheets, education and employment: the CV's lists in and out, all or nothing with the
main sheet, errors naming the sheet, row and column; files without them import as before."""
import io
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from seconding.dates import today_in_warsaw
from seconding.experts.services import Post, Study
from seconding.models import AuditEvent, Education, EducationLevel, Expert, Role
from seconding.register.columns import EDUCATION, EMPLOYMENT, NAMES
from seconding.register.export import export_register, filters_from_args
from seconding.register.importer import check_file, run_import
from seconding.register.tables import normalise_header
from tests.fixtures_register import csv_bytes, row, rows, snapshot

EDUCATION_ROW = {"institution": "POLICE", "external_id": "P-0001", "level": "master", "field": "Law",
                 "organisation": "University of Warsaw", "country": "Poland", "start": "2003-10-01",
                 "end": "2008-06-30", "degree": "magister prawa"}
EMPLOYMENT_ROW = {"institution": "POLICE", "external_id": "P-0001", "employer": "Komenda Główna Policji",
                  "position": "Senior specialist", "start": "2016-03-01", "end": "",
                  "duties": "Community policing projects."}


@pytest.fixture(autouse=True)
def _english(db):
    with force_locale("en"):
        yield


def study(**cells) -> dict:
    return EDUCATION_ROW | {k: str(v) for k, v in cells.items()}


def post(**cells) -> dict:
    return EMPLOYMENT_ROW | {k: str(v) for k, v in cells.items()}


def workbook(main: list[dict], education: list[dict] | None = None, employment: list[dict] | None = None, *,
             headers: dict[str, list[str]] | None = None, titles: dict[str, str] | None = None) -> bytes:
    """An XLSX register: the main sheet, and the extra sheets given (None: no such sheet)."""
    headers, titles = headers or {}, titles or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "register"
    sheet.append(list(NAMES))
    for values in main:
        sheet.append([values.get(name, "") or None for name in NAMES])
    for spec, entries in ((EDUCATION, education), (EMPLOYMENT, employment)):
        if entries is None:
            continue
        side = book.create_sheet(titles.get(spec.name, spec.name))
        header = headers.get(spec.name, list(spec.names))
        side.append(header)
        for values in entries:
            side.append([values.get(normalise_header(name), "") or None for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(content: bytes, name: str = "register.xlsx", **kwargs):
    return check_file(io.BytesIO(content), name, scope=kwargs.pop("scope", None), **kwargs)


def do_import(db, content: bytes):
    outcome = check(content)
    assert outcome.ok, outcome.error_lines()
    counts = run_import(outcome, actor=None, source="register.xlsx")
    db.session.commit()
    return outcome, counts


def without_audit(snap: dict) -> dict:
    return {k: v for k, v in snap.items() if k != "audit_events"}


def expert(key: str) -> Expert:
    from seconding.extensions import db

    return db.session.scalar(select(Expert).where(Expert.external_id == key))


def education_of(key: str) -> list[tuple]:
    return [(e.level, e.field, e.organisation, e.country, e.start, e.end, e.degree) for e in expert(key).education]


def employment_of(key: str) -> list[tuple]:
    return [(e.employer, e.position, e.start, e.end, e.duties) for e in expert(key).employment]


# -- import ---------------------------------------------------------------------------------------------------------

def test_new_experts_are_created_with_their_education_and_employment(db):
    content = workbook(rows(2), [
        study(), study(level="bachelor", organisation="Police Academy", start="1999-10-01", end="2003-06-30",
                       field="", country="", degree=""),
        study(external_id="P-0002", level="doctorate", end=""),
    ], [post(), post(employer="KWP Olsztyn", position="Officer", start="2008-09-01", end="2016-02-29", duties="")])
    outcome, counts = do_import(db, content)
    assert outcome.sheets == ("education", "employment")
    assert counts.created == 2
    assert education_of("P-0001") == [
        (EducationLevel.MASTER, "Law", "University of Warsaw", "Poland", date(2003, 10, 1), date(2008, 6, 30),
         "magister prawa"),
        (EducationLevel.BACHELOR, "", "Police Academy", "", date(1999, 10, 1), date(2003, 6, 30), "")]
    assert education_of("P-0002") == [
        (EducationLevel.DOCTORATE, "Law", "University of Warsaw", "Poland", date(2003, 10, 1), None,
         "magister prawa")]
    assert employment_of("P-0001") == [
        ("Komenda Główna Policji", "Senior specialist", date(2016, 3, 1), None, "Community policing projects."),
        ("KWP Olsztyn", "Officer", date(2008, 9, 1), date(2016, 2, 29), "")]
    assert employment_of("P-0002") == []


def test_a_new_expert_is_stored_as_create_expert_stores_it(db, institutions):
    """The bulk insert of new experts stores the lists as experts.services would (same rows, same order)."""
    from seconding.experts.services import ExpertData, create_expert
    from seconding.models import Sex

    entries = [study(), study(level="secondary", organisation="Liceum", start="1995-09-01", end="1999-06-30"),
               study(level="other", organisation="Course", start="2003-10-01", end="")]  # same start as the first
    posts = [post(), post(employer="B", start="2016-03-01", end="2020-01-01"), post(employer="A", start="2001-01-01")]
    do_import(db, workbook([row()], entries, posts))
    by_register = (education_of("P-0001"), employment_of("P-0001"))
    data = ExpertData(institution_id=institutions["POLICE"].id, external_id="SVC-1", given_name="A", family_name="B",
                      sex=Sex.F, education=[_study(e) for e in entries], employment=[_post(p) for p in posts])
    create_expert(data)
    db.session.flush()
    assert (education_of("SVC-1"), employment_of("SVC-1")) == by_register
    ids = db.session.scalars(select(Education.id).join(Expert).where(Expert.external_id == "P-0001")
                             .order_by(Education.id)).all()
    assert [e.id for e in expert("P-0001").education] == ids  # inserted in the order the profile shows


def _study(cells: dict) -> Study:
    return Study(level=EducationLevel(cells["level"]), organisation=cells["organisation"],
                 start=date.fromisoformat(cells["start"]),
                 end=date.fromisoformat(cells["end"]) if cells["end"] else None, field=cells["field"],
                 country=cells["country"], degree=cells["degree"])


def _post(cells: dict) -> Post:
    return Post(employer=cells["employer"], position=cells["position"], start=date.fromisoformat(cells["start"]),
                end=date.fromisoformat(cells["end"]) if cells["end"] else None, duties=cells["duties"])


@pytest.mark.parametrize("education, employment, changed", [
    ([study(degree="LL.M.")], [post()], ["education"]),
    ([study()], [post(end="2026-01-31")], ["employment"]),
    ([study(), study(level="bachelor", start="1999-10-01")], [], ["education", "employment"]),
    ([], [post()], ["education"]),
    ([study()], [post()], []),
])
def test_the_preview_names_what_the_sheets_change_and_the_import_does_it(db, education, employment, changed):
    do_import(db, workbook([row()], [study()], [post()]))
    outcome = check(workbook([row()], education, employment))
    assert list(outcome.plans[0].changes) == changed
    assert (outcome.counts.updated, outcome.counts.unchanged) == ((1, 0) if changed else (0, 1))
    run_import(outcome, actor=None, source="register.xlsx")
    db.session.commit()
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "expert_updated")).all()
    assert summaries == (["changed: " + ", ".join(changed)] if changed else [])
    assert len(education_of("P-0001")) == len(education) and len(employment_of("P-0001")) == len(employment)
    assert check(workbook([row()], education, employment)).counts.unchanged == 1  # the pool now says the same


def test_a_change_to_the_main_sheet_and_a_list_is_one_update(db):
    do_import(db, workbook([row()], [study()], [post()]))
    outcome = check(workbook([row(rank="podinspektor")], [study(country="France")], [post()]))
    assert list(outcome.plans[0].changes) == ["rank", "education"]


@pytest.mark.parametrize("kind", ["xlsx without the sheets", "xlsx with one sheet", "csv"])
def test_a_file_without_a_sheet_leaves_that_list_alone(db, kind):
    do_import(db, workbook([row()], [study()], [post()]))
    before = snapshot()
    if kind == "csv":
        content, name = csv_bytes([row()]), "register.csv"
    elif kind == "xlsx with one sheet":
        content, name = workbook([row()], None, [post()]), "register.xlsx"
    else:
        content, name = workbook([row()]), "register.xlsx"
    outcome = check(content, name)
    assert outcome.ok and outcome.counts.unchanged == 1, outcome.error_lines()
    assert outcome.sheets == (("employment",) if kind == "xlsx with one sheet" else ())
    run_import(outcome, actor=None, source=name)
    db.session.commit()
    assert without_audit(snapshot()) == without_audit(before)
    assert len(education_of("P-0001")) == 1 and len(employment_of("P-0001")) == 1


def test_an_expert_with_no_row_in_a_sheet_gets_an_empty_list(db):
    do_import(db, workbook(rows(2), [study(), study(external_id="P-0002")], [post(external_id="P-0002")]))
    outcome = check(workbook(rows(2), [study(external_id="P-0002")], []))  # a header-only sheet: no one has any
    assert [list(p.changes) for p in outcome.plans] == [["education"], ["employment"]]
    run_import(outcome, actor=None, source="register.xlsx")
    assert education_of("P-0001") == [] and employment_of("P-0001") == employment_of("P-0002") == []
    assert len(education_of("P-0002")) == 1


def test_sheet_names_and_headers_forgive_case_and_spaces_and_cells_as_the_main_sheet(db):
    content = workbook([row()], [study(level=" Post Secondary ", start=" 2003-10-01 ")], [post(duties="'=SUM(1)")],
                       titles={"education": "Education ", "employment": "EMPLOYMENT"},
                       headers={"education": ["Institution", "External ID", "Level", "field", "organisation",
                                              "country", "start", "end", "degree"]})
    # The renamed header's cells are looked up by the names written above.
    book = load_workbook(io.BytesIO(content))
    assert [ws.title for ws in book.worksheets] == ["register", "Education ", "EMPLOYMENT"]
    do_import(db, content)
    assert education_of("P-0001")[0][0] == EducationLevel.POST_SECONDARY
    assert employment_of("P-0001")[0][4] == "=SUM(1)"  # the export's formula protection undone


def test_a_sheet_named_like_the_main_one_is_not_read_as_the_main_sheet_and_other_sheets_are_ignored(db):
    book = Workbook()
    book.active.title = "education"  # the first sheet is the main sheet, whatever its name
    book.active.append(list(NAMES))
    book.active.append([row().get(name) or None for name in NAMES])
    book.create_sheet("notes").append(["anything", "at all"])
    out = io.BytesIO()
    book.save(out)
    outcome = check(out.getvalue())
    assert outcome.ok and outcome.sheets == () and outcome.counts.created == 1


def test_a_default_institution_fills_the_sheets_empty_institution_cells(db, institutions):
    content = workbook([row(institution="")], [study(institution="")], [post(institution="BORDER_GUARD")])
    outcome = check(content, default_institution="POLICE")
    assert outcome.error_lines() == [
        "sheet employment, row 2, column institution: This import is for POLICE only; the row names BORDER_GUARD."]
    outcome = check(workbook([row(institution="")], [study(institution="")], []), default_institution="POLICE")
    assert outcome.ok and len(outcome.plans[0].data.education) == 1


# -- errors: all or nothing -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sheet, cells, line", [
    ("education", {"start": "2003-13-01"},
     "sheet education, row 3, column start: 2003-13-01 is not a date in the calendar."),
    ("education", {"start": "1.10.2003"},
     "sheet education, row 3, column start: Write the date as YYYY-MM-DD, e.g. 2027-03-31 (got '1.10.2003')."),
    ("education", {"start": ""}, "sheet education, row 3, column start: This column needs a value."),
    ("education", {"level": "PhD"},
     "sheet education, row 3, column level: Unknown education level 'PhD'; use one of: secondary, post_secondary, "
     "bachelor, master, doctorate, other."),
    ("education", {"end": "2001-01-01"},
     "sheet education, row 3, column end: An education entry must end on or after its start."),
    ("education", {"external_id": "P-9999"},
     "sheet education, row 3, column external_id: No row of the main sheet has this institution and external_id; "
     "add the expert's row there, or remove this one."),
    ("education", {"degree": "x" * 201},
     "sheet education, row 3, column degree: Too long: at most 200 characters (this has 201)."),
    ("employment", {"employer": ""}, "sheet employment, row 3, column employer: This column needs a value."),
    ("employment", {"end": "2016-02-29"},
     "sheet employment, row 3, column end: A post must end on or after its start."),
    ("employment", {"institution": "MFA"},
     "sheet employment, row 3, column external_id: No row of the main sheet has this institution and external_id; "
     "add the expert's row there, or remove this one."),
    ("employment", {"position": "y" * 201},
     "sheet employment, row 3, column position: Too long: at most 200 characters (this has 201)."),
])
def test_a_bad_row_in_a_sheet_refuses_the_whole_file_naming_sheet_row_and_column(db, make_expert, sheet, cells,
                                                                                  line):
    make_expert("POLICE", external_id="P-0002", given_name="Old")  # the file would update it
    education = [study(), study(external_id="P-0002")]
    employment = [post(), post(external_id="P-0002")]
    (education if sheet == "education" else employment)[1].update(cells)
    content = workbook(rows(3), education, employment)
    before = snapshot()
    outcome = check(content)
    assert outcome.error_lines() == [line]
    assert outcome.plans  # the main sheet's rows are valid, and still nothing is applied
    with pytest.raises(ValueError):
        run_import(outcome, actor=None, source="register.xlsx")
    assert snapshot() == before


def test_every_problem_of_every_sheet_is_listed_main_sheet_first(db):
    main = rows(3)
    main[1]["sex"] = "Q"
    content = workbook(main, [study(start="x"), study(external_id="P-0002", organisation="")],
                       [post(external_id="P-0002", position="", start="2001-02-30"), post(external_id="nobody")])
    assert check(content).error_lines() == [
        "row 3, column sex: Unknown sex 'Q'; use one of: F, M, X.",
        "sheet education, row 2, column start: Write the date as YYYY-MM-DD, e.g. 2027-03-31 (got 'x').",
        "sheet education, row 3, column organisation: This column needs a value.",
        "sheet employment, row 2, column position: This column needs a value.",
        "sheet employment, row 2, column start: 2001-02-30 is not a date in the calendar.",
        "sheet employment, row 3, column external_id: No row of the main sheet has this institution and "
        "external_id; add the expert's row there, or remove this one.",
    ]


def test_rows_of_an_expert_whose_main_row_is_wrong_are_still_checked_but_not_called_orphans(db):
    main = rows(2)
    main[1]["sex"] = "Q"
    outcome = check(workbook(main, [study(external_id="P-0002")], [post(external_id="P-0002", end="2000-01-01")]))
    assert outcome.error_lines() == [
        "row 3, column sex: Unknown sex 'Q'; use one of: F, M, X.",
        "sheet employment, row 2, column end: A post must end on or after its start."]


@pytest.mark.parametrize("header, line", [
    (["institution", "external_id", "level", "organisation", "country", "start", "end", "degree"],
     "sheet education, row 1, column field: Missing column: every column of the register must be present (leave "
     "its cells empty if you have no value)."),
    ([*EDUCATION.names, "grade"],
     "sheet education, row 1, column grade: Unknown column; the columns of this sheet are: institution, "
     "external_id, level, field, organisation, country, start, end, degree."),
    ([*EDUCATION.names, "level"], "sheet education, row 1, column level: This column appears twice."),
])
def test_a_wrong_header_in_a_sheet_is_an_error_of_that_sheet(db, header, line):
    outcome = check(workbook([row()], [study()], [post()], headers={"education": header}))
    assert outcome.error_lines() == [line]


def test_an_empty_sheet_or_two_sheets_of_one_name_are_refused(db):
    book = Workbook()
    book.active.append(list(NAMES))
    book.active.append([row().get(name) or None for name in NAMES])
    book.create_sheet("education")
    out = io.BytesIO()
    book.save(out)
    assert check(out.getvalue()).error_lines() == [
        "sheet education, row 1: The sheet is empty: its first row must name the columns (institution, external_id, "
        "level, field, organisation, country, start, end, degree)."]
    book.create_sheet("Education ")
    out = io.BytesIO()
    book.save(out)
    outcome = check(out.getvalue())
    assert outcome.error_lines() == ["The XLSX file has more than one sheet named education; keep one."]
    assert outcome.file_error is not None


def test_a_sheet_beyond_the_row_bound_is_refused_as_a_file(db, monkeypatch):
    from seconding.register import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    outcome = check(workbook(rows(2), [study()] * 4, []))
    assert outcome.file_error is not None and "more than 3 rows" in str(outcome.file_error)


# -- export ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def cv_pool(make_expert):
    """Experts with CVs, one with entries that tie on their start date, one with none."""
    a = make_expert("POLICE", external_id="00123", given_name="Łucja", education=[
        Study(EducationLevel.MASTER, "University of Warsaw", date(2003, 10, 1), date(2008, 6, 30), "Law", "Poland",
              "magister"),
        Study(EducationLevel.OTHER, "=Academy", date(2003, 10, 1), None, "", "", ""),
        Study(EducationLevel.SECONDARY, "Liceum", date(1995, 9, 1), date(1999, 6, 30)),
    ], employment=[Post("KGP", "Officer", date(2016, 3, 1), None, "line one\nline two"),
                   Post("KWP", "Officer", date(2016, 3, 1), date(2020, 1, 1))])
    b = make_expert("BORDER_GUARD", external_id="SG-7", employment=[Post("Border Guard", "Officer", date(2001, 9, 1))])
    c = make_expert("NRA", external_id="-5")
    return a, b, c


def export(user, fmt: str, **args) -> tuple[bytes, int]:
    return export_register(user, filters_from_args(args), fmt, today=today_in_warsaw(), horizon_days=90)


@pytest.mark.parametrize("sort", ["name", "-external_id"])
def test_the_xlsx_export_has_both_sheets_in_the_experts_order(db, cv_pool, make_user, sort):
    content, count = export(make_user(Role.COORDINATOR, "MFA"), "xlsx", sort=sort)
    book = load_workbook(io.BytesIO(content))
    assert [ws.title for ws in book.worksheets] == ["register", "education", "employment"]
    order = [r[1] for r in book["register"].iter_rows(min_row=2, values_only=True)]
    education = [list(r) for r in book["education"].iter_rows(values_only=True)]
    assert education[0] == list(EDUCATION.names)
    assert [r[:4] for r in education[1:]] == [  # most recent first; ties by level
        ["POLICE", "00123", "master", "Law"], ["POLICE", "00123", "other", None],
        ["POLICE", "00123", "secondary", None]]
    assert education[2][4] == "=Academy"  # text, never a formula
    employment = [list(r) for r in book["employment"].iter_rows(values_only=True)]
    assert employment[0] == list(EMPLOYMENT.names)
    expected = {"00123": [["POLICE", "00123", "KGP"], ["POLICE", "00123", "KWP"]],
                "SG-7": [["BORDER_GUARD", "SG-7", "Border Guard"]]}
    assert [r[:3] for r in employment[1:]] == [r for key in order for r in expected.get(key, [])]
    first = employment[1] if employment[1][1] == "00123" else employment[2]
    assert first[4].date() == date(2016, 3, 1) and first[5] is None and first[6] == "line one\nline two"


def test_an_export_with_the_sheets_imports_back_with_no_change(db, cv_pool):
    content, count = export(None, "xlsx")
    db.session.commit()
    before = snapshot()
    outcome = check(content, "pool.xlsx")
    assert outcome.ok, outcome.error_lines()
    assert outcome.sheets == ("education", "employment")
    assert outcome.counts.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "trainings": 0}
    run_import(outcome, actor=None, source="pool.xlsx")
    db.session.commit()
    assert without_audit(snapshot()) == without_audit(before)


def test_an_export_moved_into_an_empty_pool_carries_the_lists(db, cv_pool):
    from seconding.extensions import db as _db

    content, _ = export(None, "xlsx")
    wanted = {e.external_id: (education_of(e.external_id), employment_of(e.external_id)) for e in cv_pool}
    for e in cv_pool:
        _db.session.delete(e)
    _db.session.flush()
    outcome, counts = do_import(db, content)
    assert counts.created == 3
    assert {key: (education_of(key), employment_of(key)) for key in wanted} == wanted


def test_the_export_follows_scope_and_filters_in_the_sheets_too(db, cv_pool, make_user):
    user = make_user(Role.HR_OFFICER, "POLICE")
    book = load_workbook(io.BytesIO(export(user, "xlsx")[0]))
    assert {r[1] for r in book["employment"].iter_rows(min_row=2, values_only=True)} == {"00123"}
    book = load_workbook(io.BytesIO(export(make_user(Role.COORDINATOR, "MFA"), "xlsx", institution="BORDER_GUARD")[0]))
    assert [r[1] for r in book["employment"].iter_rows(min_row=2, values_only=True)] == ["SG-7"]
    assert book["education"].max_row == 1


def test_the_csv_export_is_unchanged(db, cv_pool):
    content, _ = export(None, "csv")
    assert content.decode("utf-8-sig").splitlines()[0] == ",".join(NAMES)
    assert "University of Warsaw" not in content.decode("utf-8-sig")


def test_the_sheets_are_read_a_few_experts_at_a_time_with_the_same_result(db, cv_pool, monkeypatch):
    from seconding.register import export as module

    whole = export(None, "xlsx")[0]
    monkeypatch.setattr(module, "CHUNK", 1)
    def sheets(content):
        book = load_workbook(io.BytesIO(content))
        return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]

    assert sheets(export(None, "xlsx")[0]) == sheets(whole)


def test_the_xlsx_export_reads_the_sheets_in_a_fixed_number_of_queries(db, make_expert, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            export(None, "xlsx")
        return len(statements)

    make_expert("POLICE", education=[Study(EducationLevel.MASTER, "U", date(2000, 1, 1))])
    few = queries()
    for i in range(20):
        make_expert("POLICE", education=[Study(EducationLevel.MASTER, "U", date(2000, 1, i + 1))],
                    employment=[Post("E", "P", date(2001, 1, 1))])
    assert queries() == few


# -- reading the pool: no query per row; no extra work without the sheets ------------------------------------------

def test_checking_a_file_with_sheets_reads_the_pool_in_a_fixed_number_of_queries(db, make_expert, count_queries):
    for i in range(1, 21):
        make_expert("POLICE", external_id=f"P-{i:04d}", education=[Study(EducationLevel.MASTER, "U", date(2000, 1, 1))])

    def queries(n: int, sheets: bool) -> int:
        data = rows(n)
        content = workbook(data, [study(external_id=r["external_id"]) for r in data],
                           [post(external_id=r["external_id"]) for r in data]) if sheets else workbook(data)
        with count_queries() as statements:
            check(content)
        return len(statements)

    assert queries(4, True) == queries(20, True) == queries(4, False) + 2
    assert queries(4, False) == queries(20, False)


def test_applying_a_file_with_sheets_uses_a_fixed_number_of_queries(db, count_queries):
    def queries(n: int, start: int) -> int:
        data = rows(n, start=start)
        outcome = check(workbook(data, [study(external_id=r["external_id"]) for r in data],
                                 [post(external_id=r["external_id"]) for r in data]))
        with count_queries() as statements:
            run_import(outcome, actor=None, source="r.xlsx")
        db.session.commit()
        return len(statements)

    assert queries(3, 1) == queries(40, 100)

    def reads(n: int, start: int) -> int:
        """Updating the lists: their rows are written per expert (update_expert), but read per batch."""
        data = rows(n, start=start)
        outcome = check(workbook(data, [study(external_id=r["external_id"], degree="new") for r in data], []))
        assert outcome.counts.updated == n
        with count_queries() as statements:
            run_import(outcome, actor=None, source="r.xlsx")
        db.session.commit()
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    assert reads(3, 1) == reads(40, 100)


# -- template, example, page, command line --------------------------------------------------------------------------

def test_the_template_has_both_sheets_with_an_example_row_and_explains_their_columns():
    from seconding.register.samples import template_xlsx

    book = load_workbook(io.BytesIO(template_xlsx()))
    assert [ws.title for ws in book.worksheets] == ["register", "education", "employment", "columns"]
    for spec in (EDUCATION, EMPLOYMENT):
        header, example = list(book[spec.name].iter_rows(values_only=True))
        assert list(header) == list(spec.names) and example[0] == "POLICE"
    explained = [r[0] for r in book["columns"].iter_rows(values_only=True)]
    assert "Sheet “education” (XLSX only, optional)" in explained
    assert "Sheet “employment” (XLSX only, optional)" in explained
    assert {"level", "organisation", "employer", "duties"} <= set(explained)


def test_the_example_xlsx_imports_cleanly_with_its_cv_entries(db, institutions):
    from seconding.access import descendants
    from seconding.register.samples import example_file

    outcome = check(example_file("BORDER_GUARD", "xlsx"), "example.xlsx",
                    scope=descendants(institutions["BORDER_GUARD"].id))
    assert outcome.ok, outcome.error_lines()
    assert outcome.sheets == ("education", "employment")
    run_import(outcome, actor=None, source="example.xlsx")
    assert len(expert("EXAMPLE-0001").education) == 2 and len(expert("EXAMPLE-0002").employment) == 1
    assert expert("EXAMPLE-0003").education == []


@pytest.fixture
def police_hr(make_user, login):
    return login(make_user(Role.HR_OFFICER, "POLICE"))


def upload(client, content: bytes, name: str = "register.xlsx"):
    from tests.test_register_pages import upload

    return upload(client, content, name)


def test_the_upload_page_lists_side_sheet_errors_and_offers_no_confirmation(client, police_hr, db):
    from tests.test_register_pages import error_rows

    content = workbook(rows(2), [study(start="2003-02-30")], [post(external_id="P-0009")])
    before = snapshot()
    page = upload(client, content).get_data(as_text=True)
    assert "2 problems found: nothing was changed" in page
    assert error_rows(page) == [
        "sheet education, row 2, column start: 2003-02-30 is not a date in the calendar.",
        "sheet employment, row 2, column external_id: No row of the main sheet has this institution and "
        "external_id; add the expert's row there, or remove this one."]
    assert 'name="token"' not in page
    assert snapshot() == before


def test_the_upload_page_previews_and_confirms_the_lists(client, police_hr, db):
    from tests.test_register_pages import confirm, counts_of, token_of

    page = upload(client, workbook(rows(2), [study()], [post(external_id="P-0002")])).get_data(as_text=True)
    assert "Also read: the sheets education, employment" in page
    assert counts_of(page)["created"] == 2
    confirm(client, token_of(page))
    assert len(education_of("P-0001")) == 1 and len(employment_of("P-0002")) == 1
    page = upload(client, workbook(rows(2), [], [post(external_id="P-0002")])).get_data(as_text=True)
    assert counts_of(page)["updated"] == 1
    assert "<td>education</td>" in page  # the row's changes


def test_the_register_page_documents_the_sheets(client, police_hr):
    page = client.get("/register/").get_data(as_text=True)
    assert 'id="sheet-education"' in page and 'id="sheet-employment"' in page
    for name in ("level", "organisation", "degree", "employer", "position", "duties"):
        assert f"<code>{name}</code>" in page


def test_the_command_line_prints_side_sheet_errors_and_changes_nothing(runner, tmp_path, db):
    path = tmp_path / "pool.xlsx"
    path.write_bytes(workbook(rows(2), [study(level="phd")], [post(employer="")]))
    before = snapshot()
    result = runner.invoke(args=["register", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "sheet education, row 2, column level: Unknown education level 'phd'; use one of: secondary, "
        "post_secondary, bachelor, master, doctorate, other.",
        "sheet employment, row 2, column employer: This column needs a value."]
    assert "2 problem(s) found in pool.xlsx; nothing was changed." in result.stderr
    assert snapshot() == before


def test_the_command_line_imports_and_exports_the_sheets(runner, tmp_path, db):
    path = tmp_path / "pool.xlsx"
    path.write_bytes(workbook(rows(2), [study()], [post(), post(employer="Other", start="2001-01-01")]))
    result = runner.invoke(args=["register", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert len(employment_of("P-0001")) == 2
    out = tmp_path / "export.xlsx"
    assert runner.invoke(args=["register", "export", str(out)]).exit_code == 0
    book = load_workbook(out)
    assert book["employment"].max_row == 3 and book["education"].max_row == 2
