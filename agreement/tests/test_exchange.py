"""Exports read back (openpyxl, csv) and the all-or-nothing import with row-by-row errors."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from agreement import services
from agreement.exports import PLAN_COLUMNS
from agreement.models import PlanItem
from kcsp import roles

from .factories import agreement_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = agreement_world()
    officer = make_user(roles.OFFICER)
    services.progress_add(
        item=world["published_item"], user=officer, year=2022, quarter=1, status="amber", narrative="Public progress"
    )
    services.progress_add(
        item=world["published_item"],
        user=officer,
        year=2022,
        quarter=2,
        status="red",
        narrative="Internal progress",
        internal=True,
    )
    PlanItem.objects.filter(pk=world["published_item"].pk).update(grant_funded=True, linked_groups="DSAEG")
    return world


def test_xlsx_export_reads_back_with_colours_and_progress(world):
    response = Client().get(f"/agreement/versions/{world['published_version'].pk}/export.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(PLAN_COLUMNS)]) == PLAN_COLUMNS
    website = next(r for r in rows[1:] if r[3] == "Refresh the Domestic Abuse Services Website")
    assert website[0] == "1.1" and website[9] == "Yes" and website[6] == "March 2023"
    assert "Public progress" in website[13], "the public export shows the latest public update"
    assert sheet.cell(2, 9).font.color.rgb.endswith("00703C")


def test_csv_export_respects_internal_progress(world, make_user):
    member = Client()
    member.force_login(make_user(roles.MEMBER))
    text = member.get(f"/agreement/versions/{world['published_version'].pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == PLAN_COLUMNS + ["Latest status", "Latest update"]
    assert any("Internal progress" in r[13] for r in rows[1:])
    public = Client().get(f"/agreement/versions/{world['published_version'].pk}/export.csv").content.decode("utf-8-sig")
    assert "Internal progress" not in public
    assert Client().get(f"/agreement/versions/{world['draft_version'].pk}/export.csv").status_code == 404


def sheet(rows, name="items.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.append(PLAN_COLUMNS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD = [
    "",
    "Domestic Abuse",
    "Raise awareness",
    "Promote the helpline",
    "Share posters\nRun a campaign",
    "Posters sent",
    "March 2023",
    "KCST",
    "DSAEG",
    "Yes",
    "No",
]


def test_import_with_any_bad_row_saves_nothing_and_names_each_problem(world, make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    draft = world["draft_version"]
    before = draft.items.count()
    bad = ["", "Burglary", "", "", "", "", "soon", "", "", "Maybe", ""]
    body = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet([GOOD, bad])}).content.decode()
    assert "Nothing can be imported yet" in body
    assert "Priority &#x27;Burglary&#x27; is not one of this year&#x27;s priorities" in body
    assert "Objective / planned outcome is empty" in body and "Grant funded must be Yes or No" in body
    assert "Import 2 items" not in body
    assert draft.items.count() == before


def test_import_preview_then_confirm_creates_every_row(world, make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    draft = world["draft_version"]
    second = list(GOOD)
    second[1], second[3], second[6] = "Road Safety", "Support Vision Zero", "Ongoing"
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet([GOOD, second])})
    assert "Import 2 items" in preview.content.decode()
    assert draft.items.filter(objective="Promote the helpline").count() == 0, "nothing saved at preview"
    token = preview.context["token"]
    response = officer.post(f"/agreement/versions/{draft.pk}/import/confirm/", {"token": token})
    assert response.status_code == 302
    item = draft.items.get(objective="Promote the helpline")
    assert item.actions == ["Share posters", "Run a campaign"] and item.grant_funded and item.number == "1.3"
    assert draft.items.get(objective="Support Vision Zero").number == "2.2"
    forged = officer.post(f"/agreement/versions/{draft.pk}/import/confirm/", {"token": token + "x"})
    assert forged.status_code == 302 and draft.items.filter(objective="Promote the helpline").count() == 1


def test_import_refuses_a_sheet_without_the_columns(world, make_user):
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    upload = SimpleUploadedFile("x.csv", b"Name,Thing\nA,B\n")
    body = officer.post(f"/agreement/versions/{world['draft_version'].pk}/import/", {"sheet": upload}).content.decode()
    assert "The sheet is missing these columns: Priority" in body


def test_publishing_builds_a_landscape_pdf_with_the_colour_key(
    make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    world = agreement_world()
    draft = world["draft_version"]
    # The key lists the colours the plan uses: a grant-funded item (purple) and one linked to a group (green).
    draft.items.filter(pk=draft.items.first().pk).update(grant_funded=True, linked_groups="Kent Domestic Abuse Board")
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish(version=draft)
    response = Client().get(f"/agreement/versions/{draft.pk}/plan.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height, "landscape"
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Version 2 Kent Community Safety Agreement (CSA) Action Plan" in text
    assert "Purple actions" in text and "Green actions" in text
    words = " ".join(text.split())  # a cell's text wraps within its column
    assert "1.2" in words and "Support delivery of the Domestic Abuse Strategy" in words
    assert reader.metadata.title.startswith("Action plan")


def test_an_import_token_only_confirms_into_the_draft_it_was_previewed_for(world, make_user):
    from .factories import agreement_world as another_world

    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    draft = world["draft_version"]
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet([GOOD])})
    other_draft = another_world()["draft_version"]
    before = other_draft.items.count()
    officer.post(f"/agreement/versions/{other_draft.pk}/import/confirm/", {"token": preview.context["token"]})
    assert other_draft.items.count() == before, "a token for one plan must not import into another"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_hostile_text_imports_back_as_it_was_typed(world, make_user, fmt):
    """The exporter guards text a spreadsheet would run; the import undoes exactly that guard, nothing else."""
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    world["first"].name = "-Violence Against Women and Girls"
    world["first"].save()
    typed = {
        "objective": "=1+2",
        "actions": ["+SUM(A1)", "-2+3", "@cmd", "'=typed with its own apostrophe", "'quoted"],
        "measures": ['=HYPERLINK("http://evil.example","Click")'],
        "lead_text": "-5",
        "linked_groups": "Line one\x0bLine two",
        "category": PlanItem.Category.OTHER,
        "category_other": "@risk",
    }
    PlanItem.objects.filter(pk=world["published_item"].pk).update(**typed)
    export = officer.get(f"/agreement/versions/{world['published_version'].pk}/export.{fmt}").content
    draft = world["draft_version"]
    upload = SimpleUploadedFile(f"plan.{fmt}", export)
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": upload})
    assert preview.context["valid"], [row.errors for row in preview.context["rows"]]
    officer.post(f"/agreement/versions/{draft.pk}/import/confirm/", {"token": preview.context["token"]})
    item = draft.items.get(objective="=1+2")
    assert item.priority == world["first"]
    assert item.actions == typed["actions"] and item.measures == typed["measures"]
    assert (item.lead_text, item.category, item.category_other) == ("-5", PlanItem.Category.OTHER, "@risk")
    assert item.linked_groups == "Line one\nLine two", "Word's line break comes back as a newline"


def test_import_refuses_text_longer_than_the_plan_keeps_rather_than_failing_at_confirm(world, make_user):
    """A category or lead longer than the item's field holds is a row error at preview, never a server error."""
    officer = Client()
    officer.force_login(make_user(roles.OFFICER))
    draft = world["draft_version"]
    before = draft.items.count()
    long_row = list(GOOD)
    long_row[2], long_row[7] = "C" * 101, "L" * 301
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet([long_row])})
    body = preview.content.decode()
    assert preview.status_code == 200 and "Nothing can be imported yet" in body
    assert "Category is longer than 100 characters" in body and "Lead agency is longer than 300 characters" in body
    assert draft.items.count() == before
