"""Page counts read as English: "1 page", "Page 3" for an item on one page of a pack, "Pages 3 - 5" for more."""

import datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from meetings.packbuild.pages import page_layout
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_front_sheet_names_a_single_page_once():
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=30))
    one, two = (
        SimpleNamespace(pk=1, code="B1", title="One", kind="report", description=""),
        SimpleNamespace(pk=2, code="B2", title="Two", kind="report", description=""),
    )
    run = SimpleNamespace(restricted=False, items=[one, two])
    section = SimpleNamespace(letter="B", title="Business", restricted=False, runs=[run])
    layout = page_layout([("front", 1), ("paper-1", 1), ("paper-2", 3)])  # the front sheet prints its labels
    pages = {1: layout.pages_text(["paper-1"]), 2: layout.pages_text(["paper-2"])}
    html = render_to_string(
        "meetings/pdf/front_sheet.html", {"meeting": meeting, "kind": "public", "sections": [section], "pages": pages}
    )
    assert "Page 3<" in html and "Pages 3 - 3" not in html and "Pages 5 - 7" in html


def test_a_one_page_pack_is_one_page():
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=30))
    pack = SimpleNamespace(
        kind="public", state="ready", state_label="Ready", status="ready", is_withdrawn=False, has_file=True,
        page_count=1, built_at=timezone.now(), rebuild_pending=False, progress="", is_restricted=False,
        get_kind_display="Public pack",
    )  # fmt: skip
    html = render_to_string("meetings/includes/packs.html", {"meeting": meeting, "packs": [pack], "can_manage": False})
    assert "(1 page, built" in html and "1 pages" not in html
