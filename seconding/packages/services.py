"""The package download: documents of each nomination in one ZIP, and the audit events naming them."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from seconding.audit.services import record
from seconding.models import User
from seconding.models.nominations import Nomination
from seconding.packages.content import Package, build_packages
from seconding.packages.layout import document
from seconding.progress import Progress, counted

ZIP = "application/zip"
# Letters NFKD does not take apart into a base letter and a mark.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"})


def ascii_slug(value: str) -> str:
    """File-name-safe ASCII: Polish letters folded (Łódź -> Lodz), everything else but letters and digits -> "-"."""
    folded = unicodedata.normalize("NFKD", value.translate(_FOLD)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-") or "x"


def file_stem(package: Package) -> str:
    """Name of a nomination's files: call, position, family and given name, nomination id."""
    return "_".join(ascii_slug(part) for part in (package.cfc_ref, package.position_ref, package.family_name,
                                                   package.given_name, str(package.nomination_id)))


def documents(package: Package) -> tuple[bytes, bytes]:
    """The PDF and the DOCX of one nomination."""
    # The writers' libraries are loaded by the first package, not by every worker at start.
    from seconding.packages.docx_writer import write_docx
    from seconding.packages.pdf_writer import write_pdf

    blocks = document(package)
    title = f"Nomination {package.cfc_ref} {package.position_ref} — {package.name}"
    return write_pdf(blocks, title=title), write_docx(blocks, title=title)


def package_zip(packages: list[Package], progress: Progress | None = None) -> bytes:
    """One ZIP with a PDF and a DOCX per nomination; `progress` hears ("writing", packages done, of how many)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # Each package is a PDF and a DOCX (a fraction of a second): told one by one.
        for package in counted(packages, progress, "writing", len(packages), every=1):
            pdf, docx = documents(package)
            stem = file_stem(package)
            archive.writestr(f"{stem}.pdf", pdf)
            archive.writestr(f"{stem}.docx", docx)
    return out.getvalue()


def download(nominations: list[Nomination], reader: User, progress: Progress | None = None) -> bytes:
    """Build the ZIP for the reader (scope already checked) and audit one event per nomination it holds.

    One event per nomination, each with the expert's institution, so every coordinator whose scope holds the
    nomination sees the download in the audit log; the summary names the whole batch.
    """
    packages = build_packages(nominations, reader)
    content = package_zip(packages, progress)
    batch = ", ".join(str(n.id) for n in nominations)
    for n, package in zip(nominations, packages):
        fields = "with date of birth and phone" if package.personal_details else "without date of birth and phone"
        record("nomination_package_downloaded", object_type="nomination", object_id=n.id,
               institution_id=n.expert.institution_id, actor=reader,
               summary=f"Goalkeeper package ({fields}); nominations in the download: {batch}")
    return content
