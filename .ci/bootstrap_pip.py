"""Install pip into a virtual environment made with --without-pip (Debian without python3-venv).

Usage: .venv/bin/python .ci/bootstrap_pip.py — fetches the newest pip wheel from PyPI and installs it.
"""
import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path


def main() -> int:
    index = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(index, timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    url = urllib.parse.urljoin(index, wheel["url"])  # mirrors may answer with relative links
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / wheel["filename"]
        with urllib.request.urlopen(url, timeout=120) as response:
            path.write_bytes(response.read())
        # A wheel is a zip archive that Python can run pip from directly.
        return subprocess.call([sys.executable, f"{path}/pip", "install", "--quiet", str(path)])


if __name__ == "__main__":
    raise SystemExit(main())
