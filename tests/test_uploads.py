"""The one upload store (seconding/uploads.py): a file waits for its user's confirmation, on its own page only."""
import os
import time

import pytest

from seconding import uploads

pytestmark = pytest.mark.usefixtures("app_ctx")  # the store reads its folder and lifetime from the config


def test_a_saved_file_is_loaded_by_its_user_for_its_import_only():
    saved = uploads.save(uploads.ANNEX, b"a,b\n", "annex.csv", user_id=7, extra={"seen": 1})
    assert saved.path.read_bytes() == b"a,b\n" and saved.path.name == f"{saved.token}.csv"
    loaded = uploads.load(uploads.ANNEX, saved.token, 7)
    assert loaded is not None and loaded.filename == "annex.csv" and loaded.extra == {"seen": 1}
    assert uploads.load(uploads.ANNEX, saved.token, 8) is None  # someone else's
    assert uploads.load(uploads.REGISTER, saved.token, 7) is None  # uploaded for the other import
    uploads.discard(loaded)
    assert not list(saved.path.parent.glob(f"{saved.token}.*"))
    assert uploads.load(uploads.ANNEX, saved.token, 7) is None  # used once


@pytest.mark.parametrize("token", ["", "0" * 32 + ".csv", "../" + "0" * 45, "A" * 48, "0" * 47, "0" * 49])
def test_a_malformed_token_is_refused(token):
    assert uploads.load(uploads.REGISTER, token, 1) is None


def test_only_csv_and_xlsx_files_for_a_known_import_are_kept():
    with pytest.raises(ValueError):
        uploads.save(uploads.REGISTER, b"%PDF", "annex.pdf", user_id=1)
    with pytest.raises(ValueError):
        uploads.save("elsewhere", b"a\n", "a.csv", user_id=1)


def test_an_update_is_remembered_but_does_not_extend_the_time():
    saved = uploads.save(uploads.REGISTER, b"a\n", "pool.csv", user_id=1, extra={"counts": {"created": 1}})
    uploads.update(saved, counts={"created": 2})
    assert uploads.load(uploads.REGISTER, saved.token, 1).extra == {"counts": {"created": 2}}
    old = time.time() - 2 * 3600
    os.utime(saved.path, (old, old))  # uploaded two hours ago; the note was rewritten just now
    assert uploads.load(uploads.REGISTER, saved.token, 1) is None
    assert not list(saved.path.parent.glob(f"{saved.token}.*"))  # and deleted


def test_every_upload_purges_the_expired_ones():
    old_one = uploads.save(uploads.ANNEX, b"a\n", "old.xlsx", user_id=1)
    old = time.time() - 2 * 3600
    for path in old_one.path.parent.glob(f"{old_one.token}.*"):
        os.utime(path, (old, old))
    uploads.save(uploads.REGISTER, b"a\n", "new.csv", user_id=1)
    assert not list(old_one.path.parent.glob(f"{old_one.token}.*"))
