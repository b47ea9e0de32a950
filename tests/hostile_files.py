"""Hostile XLSX files, made in a second or two: for the register's tests, the gunicorn acceptance test, the jobs'
tests and the benchmark (`bench.hostile`).

- shared_strings_bomb(): a 2.8 MB XLSX whose shared-strings part inflates to 187 MB (a ratio of ~70, below the
  per-member ratio refused as a zip bomb, and a total below the 200 MB cap): openpyxl would load the whole table
  into a list, hundreds of MB and tens of seconds, before the first row is read.
- too_many_rows(): a genuine-looking XLSX of 150,000 valid register rows (13 MB), over the 100,000-row limit.
- excel_xlsx(): an XLSX as Excel writes one (every text in the shared-strings table, numbers and dates as
  numbers), used by both, and to measure what a genuine register needs (seconding/register/tables.py).

    from tests.hostile_files import shared_strings_bomb, too_many_rows
    content = shared_strings_bomb()   # bytes; name it "register.xlsx"
"""
from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from xml.sax.saxutils import escape

from seconding.register.columns import NAMES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/{strings}" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '{sheets}</Types>')
SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
# Style 1 is Excel's built-in short date (numFmtId 14), as Excel stores a typed date.
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
EPOCH = date(1899, 12, 30)
LETTERS = [chr(65 + i) for i in range(26)]


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    return LETTERS[index] if index < 26 else LETTERS[index // 26 - 1] + LETTERS[index % 26]


def write_package(book: zipfile.ZipFile, titles: list[str], strings: str = "xl/sharedStrings.xml") -> None:
    """The parts around the sheets (xl/worksheets/sheet1.xml, ...) and the shared strings (at `strings`): content
    types, relationships, workbook, styles."""
    count = range(1, len(titles) + 1)
    book.writestr("[Content_Types].xml", CONTENT_TYPES.format(
        strings=strings, sheets="".join(SHEET_TYPE.format(n=n) for n in count)))
    book.writestr("_rels/.rels", ROOT_RELS)
    book.writestr("xl/styles.xml", STYLES)
    book.writestr("xl/workbook.xml", (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        + "".join(f'<sheet name="{title}" sheetId="{n}" r:id="rId{n}"/>' for n, title in zip(count, titles))
        + "</sheets></workbook>"))
    book.writestr("xl/_rels/workbook.xml.rels", (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                  for n in count)
        + f'<Relationship Id="rId{len(titles) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{len(titles) + 2}" Type="{REL}/sharedStrings" Target="/{strings}"/>'
        + "</Relationships>"))


def excel_xlsx(sheets: list[tuple[str, Iterable[list]]], *, compresslevel: int = 1) -> bytes:
    """An XLSX of (title, rows) sheets as Excel writes one: every text cell an index into the shared-strings table
    (each distinct text once), whole numbers as numbers, dates as day numbers in the date style; None is no cell."""
    strings: dict[str, int] = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as book:
        for n, (_title, rows) in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
                          "<sheetData>".encode())
                batch: list[str] = []
                for number, values in enumerate(rows, start=1):
                    cells = []
                    for index, value in enumerate(values):
                        if value is None or value == "":
                            continue
                        ref = f"{_column(index)}{number}"
                        if isinstance(value, str):
                            cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>')
                        elif isinstance(value, date):
                            cells.append(f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>')
                        else:
                            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                    batch.append(f'<row r="{number}">{"".join(cells)}</row>')
                    if len(batch) == 1000:
                        out.write("".join(batch).encode())
                        batch.clear()
                out.write(("".join(batch) + "</sheetData></worksheet>").encode())
        with book.open("xl/sharedStrings.xml", "w") as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}" '
                      f'uniqueCount="{len(strings)}">'.encode())
            items = list(strings)
            for start in range(0, len(items), 10_000):
                out.write("".join(f"<si><t>{escape(s)}</t></si>" for s in items[start:start + 10_000]).encode())
            out.write(b"</sst>")
        write_package(book, [title for title, _rows in sheets])
    return buffer.getvalue()


GIVEN = ("Anna", "Maria", "Katarzyna", "Agnieszka", "Jan", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał")
FAMILY = ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
          "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski")


def register_rows(count: int, start: int = 1) -> Iterator[list]:
    """`count` valid register rows (POLICE, distinct external ids), typed as in a register kept in Excel."""
    rng = random.Random(start)
    for n in range(start, start + count):
        given, family = GIVEN[n % len(GIVEN)], FAMILY[n % len(FAMILY)]
        yield ["POLICE", f"P-{n:07d}", given, family, "F" if n % 3 else "M",
               date(1960 + n % 35, 1 + n % 12, 1 + n % 28), f"expert{n}@example.org",
               f"+48 600 {n // 1000 % 1000:03d} {n % 1000:03d}", "komisarz",
               "community_policing;human_rights", 1 + n % 30, "en:C1;pl:native", "SECRET",
               date(2029, 1 + n % 12, 1 + n % 28), date(2031, 1 + n % 12, 1 + n % 28), "B", None,
               "yes" if rng.random() < 0.2 else "no", "active", f"PDT:{date(2024, 1 + n % 12, 1 + n % 28)}", None]


def too_many_rows(rows: int = 150_000) -> bytes:
    """A genuine-looking XLSX register of `rows` valid rows below its header (150,000: 13 MB, 96 MB of sheet XML
    and 14 MB of shared strings), over the 100,000-row limit."""
    return excel_xlsx([("register", [list(NAMES), *register_rows(rows)])], compresslevel=6)


def shared_strings_bomb(inflated_mb: int = 187, part: str = "xl/sharedStrings.xml") -> bytes:
    """An XLSX of 2.8 MB whose shared-strings table (at `part`) inflates to `inflated_mb` MB (about 1.8 million
    entries of "Nowak Nowak ..."; a compression ratio near 70), with the register's header and one row on its
    sheet."""
    rng = random.Random(25)
    parts, size = [], 0
    while size < 1 << 20:  # a megabyte of entries, written over and over (the deflate window is 32 KB)
        entry = "<si><t>" + "Nowak " * rng.randrange(1, 34) + "</t></si>"
        parts.append(entry)
        size += len(entry)
    chunk = "".join(parts).encode()
    header = "".join(f'<c r="{_column(i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(NAMES))
    row = "".join(f'<c r="{_column(i)}2" t="s"><v>{i}</v></c>' for i in range(len(NAMES)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}"><sheetData>'
            f'<row r="1">{header}</row><row r="2">{row}</row></sheetData></worksheet>'))
        with book.open(part, "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}">'.encode())
            for _ in range(inflated_mb):
                out.write(chunk)
            out.write(b"</sst>")
        write_package(book, ["register"], strings=part)
    return buffer.getvalue()
