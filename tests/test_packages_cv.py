"""The package's CV in the order of an EEAS CSDP application (issue 27): personal data, languages with the five-skill
grid, education, employment, missions, training, computer skills, clearance and driving licence, the motivation;
every entry of the expert in both formats, in that order, and nothing of another expert of the same batch."""
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pytest

from seconding.experts.services import History, Post, Study
from seconding.models import CefrLevel, ClearanceLevel, DrivingLicence, Role
from seconding.models.enums import EducationLevel
from seconding.nominations.services import create_nomination
from tests.fixtures_missions import *  # noqa: F403
from tests.job_downloads import package_batch

C2, C1, B2, B1, A2, A1 = (CefrLevel(v) for v in ("C2", "C1", "B2", "B1", "A2", "A1"))

# The expert whose CV is checked: every entry, in the order the CV shows it (most recent first where it is a list).
EXPECTED = (
    "Curriculum vitae",
    "Personal information", "Name Gražyna Wiśniewska-Kołodziej", "Sex female", "Date of birth 1979-11-03",
    "Phone +48 601 222 333", "E-mail g.wisniewska@policja.example",
    "Service", "Institution Police", "Rank or grade podinspektor",
    "Languages (CEFR self-assessment grid)",
    "Language Listening Reading Spoken interaction Spoken production Writing",
    "English C2 C1 B2 C1 B1",  # the five skills as assessed, in the grid's order
    "French B2 B1 A2 A2 A1",  # reading not assessed: the overall level
    "Education", "From To Level Field of study Institution Country Degree or diploma",
    "2006-10-01 2008-06-30 Master's degree or equivalent International relations Uniwersytet Jagielloński Poland "
    "Magister stosunków międzynarodowych",
    "2002-10-01 2006-06-30 Bachelor's degree or equivalent Police science Akademia Policji w Szczytnie Poland "
    "Licencjat",
    "Employment history", "From To Employer Position Main duties",
    "2015-03-01 present Komenda Główna Policji Naczelniczka wydziału Kieruje wydziałem współpracy międzynarodowej. "
    "Koordynuje udział w misjach.",
    "2008-09-01 2015-02-28 Komenda Wojewódzka Policji w Krakowie Komisarz Prowadziła szkolenia z praw człowieka.",
    "Earlier and current missions", "EUPOL Afghanistan Afghanistan Police mentor 2011-04-01 2012-03-31 yes",
    "Courses and training", "PDT — ESDC CSDP Pre-Deployment Training ESDC 2027-04-20 does not expire valid",
    "Computer skills", "MS Office (Excel: advanced), SQL, QGIS",
    "Security clearance and driving licence", "Security clearance SECRET UE / EU SECRET",
    "Clearance valid until 2032-01-31", "Driving licence category B, with 4x4 experience",
    "Motivation for GEO ZM 21 — Police adviser (Tbilisi)",
    "Dwanaście lat w wydziale współpracy międzynarodowej.", "Mówi po rosyjsku; zna region z misji.",
)
# The other expert of the same batch: none of these may appear in the first one's files (and the reverse).
OTHER = ("Bożydar Zzyzx-Trąba", "b.zzyzx@sg.example", "Politechnika Gdańska", "Naval architecture",
         "Straż Graniczna w Gdańsku", "Zastępca komendanta", "Italian", "EUCAP Somalia", "AutoCAD, ZZ-GIS",
         "Zna porty Bałtyku", "category B")
FIRST = ("Gražyna", "Wiśniewska", "Jagielloński", "Komenda Główna", "EUPOL Afghanistan", "QGIS", "Dwanaście lat",
         "French", "4x4")


@pytest.fixture
def batch(db, make_expert, make_cfc, make_position, make_user, add_training):
    """Two nominations of one call: a complete CV, and another expert with distinctive values."""
    cfc = make_cfc("EUMM Georgia", reference="EUMM Georgia 5-2030")
    admin = make_user(Role.ADMIN)
    first = make_expert(
        "POLICE", given_name="Gražyna", family_name="Wiśniewska-Kołodziej", sex="F", rank="podinspektor",
        date_of_birth=date(1979, 11, 3), phone="+48 601 222 333", email="g.wisniewska@policja.example",
        languages=[("en", C1), ("fr", B1)],
        language_skills={"en": (C2, C1, B2, C1, B1), "fr": (B2, None, A2, A2, A1)},
        education=[
            Study(EducationLevel.BACHELOR, "Akademia Policji w Szczytnie", date(2002, 10, 1), date(2006, 6, 30),
                  field="Police science", country="Poland", degree="Licencjat"),
            Study(EducationLevel.MASTER, "Uniwersytet Jagielloński", date(2006, 10, 1), date(2008, 6, 30),
                  field="International relations", country="Poland", degree="Magister stosunków międzynarodowych"),
        ],
        employment=[
            Post("Komenda Wojewódzka Policji w Krakowie", "Komisarz", date(2008, 9, 1), date(2015, 2, 28),
                 duties="Prowadziła szkolenia z praw człowieka."),
            Post("Komenda Główna Policji", "Naczelniczka wydziału", date(2015, 3, 1),
                 duties="Kieruje wydziałem współpracy międzynarodowej.\r\nKoordynuje udział w misjach."),
        ],
        computer_skills="MS Office (Excel: advanced), SQL, QGIS",
        history=[History("EUPOL Afghanistan", "Afghanistan", "Police mentor", date(2011, 4, 1), date(2012, 3, 31))],
        clearance_level=ClearanceLevel.SECRET, clearance_expires=date(2032, 1, 31),
        driving_licence=DrivingLicence.B_4X4)
    add_training(first, "PDT", date(2027, 4, 20))
    other = make_expert(
        "BORDER_GUARD", given_name="Bożydar", family_name="Zzyzx-Trąba", email="b.zzyzx@sg.example",
        languages=[("it", B2)], language_skills={"it": (C1, A2, None, None, None)},
        education=[Study(EducationLevel.DOCTORATE, "Politechnika Gdańska", date(1999, 10, 1), date(2004, 6, 30),
                         field="Naval architecture")],
        employment=[Post("Straż Graniczna w Gdańsku", "Zastępca komendanta", date(2004, 9, 1))],
        computer_skills="AutoCAD, ZZ-GIS", history=[History("EUCAP Somalia", "Somalia")],
        driving_licence=DrivingLicence.B)
    nominations = [create_nomination(make_position(cfc, "GEO ZM 21", title="Police adviser (Tbilisi)"), first, admin),
                   create_nomination(make_position(cfc, "GEO ZM 22", title="Border adviser (Batumi)"), other, admin)]
    # As the HR officer writes it in the form (a browser sends CRLF line ends)
    nominations[0].motivation = ("Dwanaście lat w wydziale współpracy międzynarodowej.\r\n\r\n"
                                 "Mówi po rosyjsku; zna region z misji.")
    nominations[1].motivation = "Zna porty Bałtyku."
    db.session.commit()
    return nominations


def _files(client, nominations) -> dict[str, bytes]:
    response = package_batch(client, [n.id for n in nominations])
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {name: archive.read(name) for name in archive.namelist()}


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext (Debian's poppler-utils) reads it, whitespace folded."""
    assert shutil.which("pdftotext"), "pdftotext is needed: apt-get install poppler-utils (see .ci/run)"
    path = tmp_path / "package.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def docx_text(word: bytes) -> str:
    """The DOCX's paragraphs and tables in document order (a table row by row), whitespace folded."""
    parts = []
    for item in docx.Document(io.BytesIO(word)).iter_inner_content():
        if isinstance(item, docx.table.Table):
            parts += [cell.text for row in item.rows for cell in row.cells]
        else:
            parts.append(item.text)
    return " ".join(" ".join(parts).split())


def in_order(text: str, expected) -> None:
    """Each expected text is in the CV (from its title on), after the one before it."""
    cv = text[text.index("Curriculum vitae"):]
    place, before = 0, "the title"
    for item in expected:
        assert item in cv, f"{item!r} is not in the CV"
        found = cv.find(item, place)
        assert found >= 0, f"{item!r} is not after {before!r}"
        place, before = found + len(item), item


def _texts(files, stem_part: str, tmp_path) -> tuple[str, str]:
    (pdf,) = [v for k, v in files.items() if stem_part in k and k.endswith(".pdf")]
    (word,) = [v for k, v in files.items() if stem_part in k and k.endswith(".docx")]
    return pdf_text(pdf, tmp_path), docx_text(word)


def test_the_cv_holds_every_entry_in_the_eeas_order_and_nothing_of_another_expert(client, login, make_user, batch,
                                                                                    tmp_path):
    login(make_user(Role.COORDINATOR))
    files = _files(client, batch)
    assert len(files) == 4
    first_pdf, first_docx = _texts(files, "GEO-ZM-21_Wisniewska-Kolodziej", tmp_path)
    other_pdf, other_docx = _texts(files, "GEO-ZM-22_Zzyzx-Trab", tmp_path)
    for text in (first_pdf, first_docx):
        in_order(text, EXPECTED)
        for absent in OTHER:
            if absent == "category B":  # the first expert's licence is "category B, with 4x4 experience"
                assert not re.search(r"category B(?!, with 4x4)", text)
            else:
                assert absent not in text, absent
        # Labels, not codes
        for code in ("(en)", "master", "B_4X4", " en ", "None"):
            assert code not in text, code
    for text in (other_pdf, other_docx):
        in_order(text, ("Bożydar Zzyzx-Trąba", "Italian C1 A2 B2 B2 B2",
                        "1999-10-01 2004-06-30 Doctorate Naval architecture Politechnika Gdańska",
                        "2004-09-01 present Straż Graniczna w Gdańsku Zastępca komendanta", "EUCAP Somalia",
                        "AutoCAD, ZZ-GIS", "category B", "Zna porty Bałtyku"))
        for absent in FIRST:
            assert absent not in text, absent


def test_a_native_speaker_and_an_ongoing_study_are_worded(client, login, make_user, make_expert, make_cfc,
                                                          make_position, db, tmp_path):
    expert = make_expert("POLICE", languages=[("pl", CefrLevel.NATIVE), ("de", A2)],
                         language_skills={"pl": (None, None, None, None, C2)},
                         education=[Study(EducationLevel.POST_SECONDARY, "Szkoła Policealna", date(2029, 10, 1))])
    nomination = create_nomination(make_position(make_cfc(), "X 9"), expert, make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    for text in _texts(_files(client, [nomination]), "X-9", tmp_path):
        in_order(text, ("German A2 A2 A2 A2 A2",
                        "Polish Native speaker Native speaker Native speaker Native speaker C2",
                        "2029-10-01 ongoing Post-secondary or vocational"))


def test_what_the_eeas_application_needs_is_listed_as_missing_before_the_download(client, login, make_user,
                                                                                  make_expert, make_cfc,
                                                                                  make_position, db, tmp_path):
    expert = make_expert("POLICE")  # no education, no post, no computer skills
    nomination = create_nomination(make_position(make_cfc(), "X 10"), expert, make_user(Role.ADMIN))
    db.session.commit()
    login(make_user(Role.COORDINATOR))
    for page in (client.get(f"/nominations/{nomination.id}"), client.get(f"/packages/batch?ids={nomination.id}")):
        html = page.get_data(as_text=True)
        for item in ("education (no entry)", "employment history (no post)", "computer skills",
                     "motivation for this position (not written yet)"):
            assert f"<li>{item}</li>" in html, item
    for text in _texts(_files(client, [nomination]), "X-10", tmp_path):
        in_order(text, ("Education", "missing (not recorded)", "Employment history", "missing (not recorded)",
                        "Computer skills", "missing (not recorded)", "Motivation for X 10",
                        "missing (not recorded)"))


def test_a_complete_cv_lists_none_of_the_new_items_as_missing(client, login, make_user, batch):
    login(make_user(Role.COORDINATOR))
    html = client.get(f"/packages/batch?ids={batch[0].id}").get_data(as_text=True)
    for item in ("education (no entry)", "employment history (no post)", "computer skills",
                 "motivation for this position"):
        assert item not in html, item
