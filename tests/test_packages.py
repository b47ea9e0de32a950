"""The nomination package for Goalkeeper: content of the PDF and the DOCX, what each role gets, scope, audit."""
import io
import zipfile
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl

import docx
import pypdf
import pytest
from sqlalchemy import func, select

from seconding.dates import today_in_warsaw
from seconding.deployments.services import record_deployment
from seconding.experts.services import History, Period
from seconding.extensions import db as _db
from seconding.models import AuditEvent, ClearanceLevel, DrivingLicence, Institution, Job, Mission, Role
from seconding.models.enums import DeploymentStatus, NominationStatus
from seconding.models.nominations import NominationEvent
from seconding.nominations.services import create_nomination
from seconding.packages.services import ascii_slug
from tests.fixtures_jobs import finished
from tests.fixtures_missions import *  # noqa: F403
from tests.job_downloads import job_file, package_batch, post_form_of

# Never in a package: notes, unavailability reason, personnel number, comments of the nomination and its endorsement.
INTERNAL = ("NOTATKA-WEWNĘTRZNA", "leczenie szpitalne", "PO-77123", "UWAGA-DO-NOMINACJI", "KOMENTARZ-AKCEPTACJI")
PRIVATE = ("1984-05-17", "+48 600 100 200")  # date of birth, phone: coordinators' packages only


@pytest.fixture
def nomination(db, make_expert, make_cfc, make_position, make_user, add_training):
    """A forwarded nomination of a Police officer with languages, courses, tours and internal data."""
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 3-2030")
    position = make_position(cfc, "GEO ZM 12", title="Monitor (Gori)", location="Gori",
                             available_on=date(2030, 6, 1), languages_essential="en:B2")
    expert = make_expert(
        "POLICE", external_id="PO-77123", given_name="Łucja", family_name="Żółtowska-Gęślak", sex="F",
        rank="nadkomisarz", experience_years=12, expertise=["border_management", "human_rights"],
        languages="en:C1;ru:B2;pl:native", clearance_level=ClearanceLevel.SECRET,
        clearance_expires=date(2032, 1, 31), driving_licence=DrivingLicence.B_4X4, date_of_birth=date(1984, 5, 17),
        phone="+48 600 100 200", email="l.zoltowska@policja.example", consent_on=date(2026, 1, 10),
        notes="NOTATKA-WEWNĘTRZNA: rozmowa z przełożonym",
        unavailability=[Period(date(2029, 1, 1), date(2029, 2, 1), "leczenie szpitalne")],
        history=[History("EUPM Bosnia", "Bosnia and Herzegovina", "Police adviser", date(2008, 3, 1),
                         date(2009, 2, 28))])
    add_training(expert, "PDT", date(2027, 4, 20))
    record_deployment(expert=expert, mission=db.session.scalars(select(Mission).filter_by(acronym="EULEX Kosovo"))
                      .one(), start=date(2021, 1, 15), end=date(2022, 1, 14), status=DeploymentStatus.COMPLETED,
                      role="Border police monitor w Prisztinie")
    record_deployment(expert=expert, mission=db.session.scalars(select(Mission).filter_by(acronym="EUAM Ukraine"))
                      .one(), start=date(2031, 8, 1), end=date(2032, 7, 31), status=DeploymentStatus.PLANNED)
    admin = make_user(Role.ADMIN)
    made = create_nomination(position, expert, admin, comment="UWAGA-DO-NOMINACJI")
    made.status, made.goalkeeper_ref, made.forwarded_on = NominationStatus.FORWARDED, "GK-2030-0042", date(2030, 2, 25)
    made.history.append(NominationEvent(from_status=NominationStatus.SUBMITTED, to_status=NominationStatus.ENDORSED,
                                        actor_label="koordynator@msz.example", comment="KOMENTARZ-AKCEPTACJI",
                                        at=datetime(2030, 2, 20, 23, 30, tzinfo=UTC)))
    db.session.commit()
    return made


def _download(client, url: str) -> dict[str, bytes]:
    return _unzip(client.get(url))


def _unzip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: archive.read(name) for name in archive.namelist()}


def _downloads() -> int:
    return _db.session.scalar(select(func.count(AuditEvent.id)).filter_by(action="nomination_package_downloaded"))


def _embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts whose program is embedded in the PDF (Type0 fonts and their descendants)."""
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    names.add(str(descriptor["/FontName"]).split("+", 1)[-1])
    return names


def _texts(files: dict[str, bytes]) -> tuple[str, str]:
    """The text of the one PDF and the one DOCX (paragraphs and table cells)."""
    (pdf,) = [v for k, v in files.items() if k.endswith(".pdf")]
    (word,) = [v for k, v in files.items() if k.endswith(".docx")]
    pdf_text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    document = docx.Document(io.BytesIO(word))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return pdf_text, "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_coordinators_package_holds_the_cv_and_the_sheet_in_both_formats(client, login, make_user, nomination):
    login(make_user(Role.COORDINATOR))
    files = _download(client, f"/packages/nominations/{nomination.id}.zip")
    assert sorted(files) == [f"EUMM-Georgia-3-2030_GEO-ZM-12_Zoltowska-Geslak_Lucja_{nomination.id}.{ext}"
                             for ext in ("docx", "pdf")]
    (pdf,) = [v for k, v in files.items() if k.endswith(".pdf")]
    assert _embedded_fonts(pdf) == {"LiberationSans", "LiberationSansBold"}  # Polish letters need no system font
    for text in _texts(files):
        flat = " ".join(text.split())
        for expected in ("Łucja Żółtowska-Gęślak", "nadkomisarz", "Institution Police", "Border management",
                         "Human rights",
                         # languages by name with the five skills of the CEFR grid (the overall level where the
                         # expert assessed none)
                         "English C1 C1 C1 C1 C1", "Russian B2 B2 B2 B2 B2",
                         "Polish Native speaker Native speaker Native speaker Native speaker Native speaker",
                         # courses with dates and validity; the missing mandatory one named
                         "PDT — ESDC CSDP Pre-Deployment Training", "2027-04-20",
                         "Mandatory courses not recorded: HEAT",
                         # earlier tours: a deployment of the app and a history record
                         "EULEX Kosovo", "Border police monitor w Prisztinie", "2021-01-15", "EUPM Bosnia",
                         # clearance, licence, the position and the sheet
                         "SECRET UE / EU SECRET", "2032-01-31", "category B, with 4x4 experience",
                         "GEO ZM 12 — Monitor (Gori)", "EUMM Georgia 3-2030", "GK-2030-0042", "2030-02-25",
                         "checked as of 2030-02-25", "Gap (course): HEAT",
                         # the national endorsement, on its Warsaw day
                         "Endorsed by koordynator@msz.example", "Endorsed on 2030-02-21",
                         *PRIVATE):
            assert expected in flat, expected
        for absent in INTERNAL:
            assert absent not in flat
        assert "EUAM Ukraine" not in flat  # a planned tour has not happened: not in the CV


def test_an_hr_officers_package_leaves_out_date_of_birth_and_phone(client, login, make_user, nomination):
    login(make_user(Role.HR_OFFICER, "POLICE"))
    for text in _texts(_download(client, f"/packages/nominations/{nomination.id}.zip")):
        assert "Łucja Żółtowska-Gęślak" in text and "EULEX Kosovo" in text
        for absent in (*PRIVATE, *INTERNAL):
            assert absent not in text
        assert "not included" in text


def test_missing_data_is_listed_on_the_page_and_marked_in_the_documents(client, login, make_user, make_expert,
                                                                        make_cfc, make_position, db):
    expert = make_expert("BORDER_GUARD", given_name="Jan", family_name="Bez", languages="", rank=None)
    nomination = create_nomination(make_position(make_cfc(), "X 1"), expert, make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    for item in ("date of birth", "phone number", "rank or grade", "primary expertise area", "languages",
                 "national endorsement (not endorsed yet)", "Goalkeeper reference (not known yet)",
                 "mandatory course HEAT", "mandatory course PDT"):
        assert f"<li>{item}</li>" in page, item
    pdf_text, word_text = _texts(_download(client, f"/packages/nominations/{nomination.id}.zip"))
    for text in (pdf_text, word_text):
        flat = " ".join(text.split())
        assert "Rank or grade missing (not recorded)" in flat.replace(":", "")
        assert "not endorsed yet" in flat and "not known yet" in flat


def test_every_download_is_audited_with_its_nominations(client, login, make_user, nomination, db):
    user = make_user(Role.COORDINATOR)
    login(user)
    _unzip(package_batch(client, [nomination.id]))
    (event,) = db.session.scalars(select(AuditEvent).filter_by(action="nomination_package_downloaded")).all()
    assert (event.object_type, event.object_id, event.actor_id) == ("nomination", str(nomination.id), user.id)
    assert event.institution_id == nomination.expert.institution_id


def test_a_batch_zip_holds_a_pdf_and_a_docx_per_nomination(client, login, make_user, make_expert, make_position,
                                                            nomination, db):
    other = create_nomination(make_position(nomination.position.cfc, "GEO ZM 13"),
                              make_expert("BORDER_GUARD", given_name="Zdzisław", family_name="Łoś"),
                              make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    page = client.get(f"/packages/batch?ids={nomination.id}&ids={other.id}").get_data(as_text=True)
    assert "Łucja Żółtowska-Gęślak" in page and "Zdzisław Łoś" in page
    started = post_form_of(client, page, "Download package (ZIP)")
    assert not _downloads(), "nothing is built (nor audited) until the job runs"
    response = job_file(client, started)
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=nominations-package-{today_in_warsaw()}.zip"
    files = _unzip(response)
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["docx", "docx", "pdf", "pdf"]
    assert any(name.startswith("EUMM-Georgia-3-2030_GEO-ZM-13_Los_Zdzislaw") for name in files)
    assert db.session.scalar(select(AuditEvent.id).filter_by(action="nomination_package_downloaded",
                                                             object_id=str(other.id))) is not None


def test_out_of_scope_nominations_are_not_found_and_nothing_is_audited(client, login, make_user, nomination, db):
    login(make_user(Role.COORDINATOR, "BORDER_GUARD"))
    assert client.get(f"/packages/nominations/{nomination.id}.zip").status_code == 404
    assert client.post_form("/packages/batch", {"ids": [str(nomination.id)]}).status_code == 404
    assert client.get(f"/packages/batch?ids={nomination.id}").status_code == 404
    assert not db.session.scalar(select(func.count(Job.id))), "no job for a nomination out of scope"
    assert db.session.scalar(select(AuditEvent.id).filter_by(action="nomination_package_downloaded")) is None


@pytest.mark.parametrize(("query", "message"), [
    ("", "Choose at least one nomination"), ("ids=abc", "not valid"), ("ids=0", "not valid"),
    ("ids=99999999999999999999", "not valid"), ("&".join(["ids=1"] * 101), "at most 100 nominations"),
    ("ids=1%00", None)])  # a NUL is refused for every page (400)
def test_bad_batch_lists_get_a_message_and_no_download(client, login, make_user, query, message, db):
    login(make_user(Role.COORDINATOR))
    for response in (client.get(f"/packages/batch?{query}", follow_redirects=True),
                     client.post_form("/packages/batch", {"ids": [v for _k, v in parse_qsl(query)]},
                                      follow_redirects=True)):
        assert response.mimetype == "text/html"
        if message is None:
            assert response.status_code == 400
        else:
            assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.id).filter_by(action="nomination_package_downloaded")) is None
    assert not db.session.scalar(select(func.count(Job.id)))


def test_the_batchs_file_is_the_packages_the_request_gave_for_its_owner_only(client, login, make_user, nomination,
                                                                               db):
    """The job's ZIP holds the documents the nomination's own (direct) download holds; one audit event per
    nomination, written by the job; nobody else gets the file."""
    login(make_user(Role.COORDINATOR))
    direct = _download(client, f"/packages/nominations/{nomination.id}.zip")
    assert _downloads() == 1
    started = client.post_form("/packages/batch", {"ids": [str(nomination.id)]})
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "package_batch"
    files = _unzip(job_file(client, started))
    assert sorted(files) == sorted(direct) and _texts(files) == _texts(direct)
    assert _downloads() == 2, "the batch's download is audited once"
    assert client.get(f"/jobs/{job.id}/download").status_code == 200
    assert _downloads() == 2, "fetching the kept file again is not another event"
    client.post_form("/sign-out")
    login(make_user(Role.COORDINATOR))
    assert client.get(f"/jobs/{job.id}/download").status_code == 404, "another user's file is not found"


def test_the_batch_is_told_package_by_package_and_checked_again_in_the_job(client, login, make_user, make_expert,
                                                                           make_position, nomination, db, heard):
    other = create_nomination(make_position(nomination.position.cfc, "GEO ZM 13"), make_expert("POLICE"),
                              make_user(Role.ADMIN))
    db.session.commit()
    coordinator = login(make_user(Role.COORDINATOR, "POLICE"))
    package_batch(client, [nomination.id, other.id])
    writing = [(done, total) for step, done, total in heard if step == "writing"]
    assert writing[0] == (0, 2) and (1, 2) in writing and writing[-1] == (2, 2), "each package told as it is done"
    # Moved to another service before the job ran: no file, the reason shown, nothing audited.
    started = client.post_form("/packages/batch", {"ids": [str(nomination.id)]})
    coordinator.institution_id = db.session.scalar(select(Institution.id).where(Institution.code == "NRA"))
    db.session.commit()
    before = _downloads()
    page = finished(client, started).get_data(as_text=True)
    assert "no longer in your scope" in page and "/download" not in page
    assert _downloads() == before


def test_bulk_forward_leads_to_the_batch_package(client, login, make_user, make_expert, make_position, nomination,
                                                 make_nomination, db):
    position = make_position(nomination.position.cfc, "GEO ZM 14")
    endorsed = make_nomination(position, make_expert("BORDER_GUARD", sex="M"), NominationStatus.ENDORSED,
                               by=make_user(Role.ADMIN))
    login(make_user(Role.COORDINATOR))
    response = client.post_form("/nominations/bulk", {"ids": [str(endorsed.id)], "action": "forward",
                                                      "forwarded_on": today_in_warsaw().isoformat(),
                                                      "goalkeeper_ref": "GK-B"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/packages/batch?ids={endorsed.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 nominations: Forward to the EEAS." in page and "Download package (ZIP)" in page


def test_file_names_fold_polish_letters():
    assert ascii_slug("Łódź / Żółć — GEO ZM 12") == "Lodz-Zolc-GEO-ZM-12"


def test_the_queries_do_not_grow_with_the_batch(make_user, make_expert, make_cfc, make_position, add_training,
                                                 count_queries, db):
    from seconding.packages.content import build_packages, load_nominations

    cfc, admin = make_cfc(), make_user(Role.ADMIN)
    made = []
    for i in range(6):
        expert = make_expert("POLICE", languages="en:B2;fr:A2", expertise=["monitoring"],
                             history=[History(f"Mission {i}")])
        add_training(expert, "HEAT", date(2026, 1, 1))
        made.append(create_nomination(make_position(cfc, f"P {i}"), expert, admin).id)
    db.session.commit()
    counts = []
    for ids in (made[:2], made):
        db.session.expire_all()
        with count_queries() as statements:
            packages = build_packages(load_nominations(ids), admin)
            assert [p.tours[0].mission for p in packages] == [f"Mission {i}" for i in range(len(ids))]
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_blockers_in_the_package_carry_no_internal_reason(client, login, make_user, make_expert, make_cfc,
                                                          make_position, db):
    """A leave covering the start and a suspended pool status are stated without their internal details."""
    from seconding.models import PoolStatus

    position = make_position(make_cfc(reference="EUMM Georgia 4-2030"), "GEO ZM 14", available_on=date(2030, 6, 1))
    expert = make_expert("POLICE", consent_on=date(2026, 1, 10),
                         unavailability=[Period(date(2030, 5, 1), date(2030, 7, 1), "leczenie szpitalne")])
    admin = make_user(Role.ADMIN)
    made = create_nomination(position, expert, admin)
    made.status, made.forwarded_on = NominationStatus.FORWARDED, date(2030, 2, 25)
    expert.pool_status = PoolStatus.SUSPENDED  # after forwarding
    db.session.commit()
    login(admin)
    pdf_text, docx_text = _texts(_download(client, f"/packages/nominations/{made.id}.zip"))
    for text in (pdf_text, docx_text):
        assert "unavailable from 2030-05-01 to 2030-07-01" in text and "not in the active national pool" in text
        assert "leczenie szpitalne" not in text and "suspended" not in text
