"""What a process loads to serve pages: the heavy libraries of rare work wait until that work is asked for."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RARE = ("scipy", "fpdf", "docx", "openpyxl")  # staffing plan, nomination packages, XLSX files


def test_starting_the_app_does_not_load_the_libraries_of_rare_work():
    code = ("import json, sys\nfrom seconding import create_app\n"
            "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x', 'SCHEDULER_ENABLED': False})\n"
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(RARE)!r}))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
