"""Status badges: every status of every workflow belongs to a family (waiting, progress, done, closed), coloured by
its family's CSS class, and a badge always carries its words."""
import re
from pathlib import Path

import pytest

from seconding.labels import BADGE_FAMILIES, BADGE_LABELS, badge_family
from seconding.models import Role
from seconding.models.digests import DeliveryStatus
from seconding.models.enums import DeploymentStatus, NominationStatus, PoolStatus, TrainingStatus
from seconding.models.missions import CfcStatus
from seconding.models.nip import NipStatus

CSS = (Path(__file__).resolve().parents[1] / "seconding" / "static" / "css" / "app.css").read_text(encoding="utf-8")
FAMILIES = ("waiting", "progress", "done", "closed")


@pytest.mark.parametrize("kind, statuses", [("nomination", NominationStatus), ("deployment", DeploymentStatus),
                                            ("cfc", CfcStatus), ("nip", NipStatus), ("delivery", DeliveryStatus)])
def test_every_workflow_status_has_a_family(kind, statuses):
    assert {s.value: badge_family(f"{kind}-{s.value}") in FAMILIES for s in statuses} == {
        s.value: True for s in statuses}


def test_shared_badges_have_a_family_and_each_family_a_colour():
    for value in [*BADGE_LABELS, *(s.value for s in PoolStatus), *(s.value for s in TrainingStatus)]:
        assert badge_family(value) in FAMILIES, value
    assert set(BADGE_FAMILIES.values()) == set(FAMILIES)
    assert badge_family("anything else") == "neutral"
    for family in (*FAMILIES, "neutral"):
        assert re.search(rf"\.app-badge\.app-badge--family-{family} \{{ background: #\w+; color: #\w+;", CSS), family


def test_pages_show_badges_with_their_family_and_words(client, login, make_user, make_cfc, make_position,
                                                       make_expert, make_nomination):
    cfc = make_cfc("EUMA", reference="EUMA 7-2030")
    admin = make_user(Role.ADMIN)
    for status in (NominationStatus.SUBMITTED, NominationStatus.FORWARDED, NominationStatus.SELECTED,
                   NominationStatus.WITHDRAWN):
        make_nomination(make_position(cfc, f"ARM {status.value}"), make_expert("POLICE"), status, by=admin)
    login(make_user(Role.COORDINATOR))
    html = client.get("/nominations/?show=all").get_data(as_text=True)
    badges = re.findall(r'<span class="app-badge app-badge--nomination-(\w+) app-badge--family-(\w+)">([^<]+)</span>',
                        html)
    assert sorted((status, family) for status, family, _words in badges) == [
        ("forwarded", "progress"), ("selected", "done"), ("submitted", "waiting"), ("withdrawn", "closed")]
    assert all(words.strip() for _status, _family, words in badges)
    assert not re.search(r'class="app-badge[^"]*">\s*</span>', html)
