"""Files made by jobs, fetched as a user does: the button's POST starts the job, the job runs (here, in the test),
its page offers the file, the download link gives it."""
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl

from tests.fixtures_jobs import finished

DOWNLOAD = re.compile(r'href="(/jobs/\d+/download)"')


def job_file(client, response):
    """The file of the job that `response` (a button's POST) started: the job run, its page read, its link
    followed. Asserts the page offered a file."""
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"], (
        f"the button starts a job: {response.status_code} {response.headers.get('Location')}")
    page = finished(client, response)
    assert page.status_code == 200
    link = DOWNLOAD.search(page.get_data(as_text=True))
    assert link, "the job's page offers the file: " + page.get_data(as_text=True)[:2000]
    file = client.get(link.group(1))
    assert file.status_code == 200
    return file


def export_register(client, fmt: str = "csv", **filters):
    """The register file of the signed-in user's scope and the list's `filters`, through the export's job."""
    return job_file(client, client.post_form("/register/export", {"format": fmt, **filters}))


def training_matrix(client, **filters):
    """The training matrix CSV of the signed-in user's scope and the list's `filters`, through its job."""
    return job_file(client, client.post_form("/training/matrix.csv", filters))


def download(client, url: str):
    """A download by its address: the register export's (`/register/export?format=…&filters`) and the training
    matrix's (`/training/matrix.csv?filters`), pages with the buttons since a job makes the file, through their
    jobs; any other by a GET."""
    path, _, query = url.partition("?")
    args = dict(parse_qsl(query))
    if path == "/register/export":
        return export_register(client, args.pop("format", "csv"), **args)
    if path == "/training/matrix.csv":
        return training_matrix(client, **args)
    return client.get(url)


def expert_data(client, expert_id: int):
    """The subject-access JSON of the expert, through its job."""
    return job_file(client, client.post_form(f"/register/experts/{expert_id}/export"))


def package_batch(client, ids):
    """The ZIP of a batch of Goalkeeper packages, through its job."""
    return job_file(client, client.post_form("/packages/batch", {"ids": [str(i) for i in ids]}))


class _Forms(HTMLParser):
    """The POST forms of a page: (action, [(name, value) of its inputs], its button's text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]], str]] = []
        self._open = self._button = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append((a.get("action") or "", [], ""))
            self._open = True
        elif tag == "input" and self._open and a.get("name"):
            self.forms[-1][1].append((a["name"], a.get("value") or ""))
        elif tag == "button" and self._open:
            self._button = True

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = False
        elif tag == "form":
            self._open = False

    def handle_data(self, data):
        if self._button and self._open:
            action, fields, text = self.forms[-1]
            self.forms[-1] = (action, fields, text + data)


def post_form_of(client, html: str, button: str):
    """Press the page's POST button labelled `button`: its form sent as a browser sends it."""
    parser = _Forms()
    parser.feed(html)
    for action, fields, text in parser.forms:
        if text.strip() == button:
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return client.post(action, data=data)
    raise AssertionError(f"no button {button!r} on the page")
