"""The plan's numbering styles, its "Priority: N/A" table, the older summary layout and theme links in every
output (page, CSV, XLSX, landscape PDF), the import reading them back, and one history row per save."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from agreement import services, structure_services
from agreement.exports import PLAN_COLUMNS
from agreement.forms import PlanItemForm
from agreement.models import Agreement, PlanItem, Priority, Theme
from kcsp import roles
from kcsp.testing import opened

from .factories import AgreementFactory, add_item

pytestmark = pytest.mark.django_db


def plan_world(numbering="per_priority", layout="full") -> dict:
    agreement = AgreementFactory()
    first = Priority.objects.create(
        agreement=agreement, position=1, name="Domestic Abuse", lead="Head of Community Safety"
    )
    second = Priority.objects.create(agreement=agreement, position=2, name="Road Safety")
    theme = Theme.objects.create(agreement=agreement, position=1, name="Early intervention, prevention & education")
    draft = structure_services.plan_create(agreement=agreement, numbering=numbering, layout=layout)
    items = {
        "b1": add_item(draft, second, "Share road safety campaigns", timescale="March 2023", measures=["Reach"]),
        "a1": add_item(draft, first, "Refresh the website", timescale="Ongoing"),
        "n1": add_item(draft, None, "Support the county's Prevent duty", lead_text="Kent Police"),
        "a2": add_item(draft, first, "Promote the helpline"),
    }
    items["a1"].themes.set([theme])
    return {"agreement": agreement, "first": first, "second": second, "theme": theme, "draft": draft, **items}


def numbers(draft):
    items = PlanItem.objects.filter(version=draft, retired=False).select_related("version__plan")
    return {item.objective: item.number for item in items}


@pytest.fixture
def officer(make_user):
    client = Client()
    client.force_login(make_user(roles.OFFICER))
    return client


def test_per_priority_numbering_gives_the_no_priority_table_its_own_sequence():
    world = plan_world()
    assert numbers(world["draft"]) == {
        "Refresh the website": "1.1",
        "Promote the helpline": "1.2",
        "Share road safety campaigns": "2.1",
        "Support the county's Prevent duty": "N/A.1",
    }


def test_continuous_numbering_runs_through_the_plan_in_printed_order_and_follows_every_change():
    world = plan_world(numbering="continuous")
    draft = world["draft"]
    assert numbers(draft) == {
        "Refresh the website": "1",
        "Promote the helpline": "2",
        "Share road safety campaigns": "3",
        "Support the county's Prevent duty": "4",
    }, "priorities in order, Priority: N/A last"
    assert services.plan_item_move(item=world["a2"], direction="up")
    assert numbers(draft)["Promote the helpline"] == "1" and numbers(draft)["Refresh the website"] == "2"
    moved = PlanItem.objects.get(pk=world["n1"].pk)
    moved.priority = world["first"]
    services.plan_item_save(item=moved, lead_organisations=[], themes=[])
    assert numbers(draft) == {
        "Promote the helpline": "1",
        "Refresh the website": "2",
        "Support the county's Prevent duty": "3",
        "Share road safety campaigns": "4",
    }
    services.plan_item_retire(item=PlanItem.objects.get(pk=world["a2"].pk))
    assert sorted(numbers(draft).values()) == ["1", "2", "3"]


def test_one_save_is_one_history_row_with_its_links_and_a_move_leaves_a_row_for_both_items(officer):
    world = plan_world()
    item = PlanItem.objects.get(pk=world["a1"].pk)
    before = item.history.count()
    url = f"/agreement/items/{item.pk}/edit/"
    data = opened(
        officer,
        url,
        {
            "priority": world["first"].pk,
            "objective": "Refresh the Domestic Abuse Services Website",
            "actions": "Review content",
            "timescale": "June 2023",
            "themes": [],
        },
    )
    assert officer.post(url, data).status_code == 302
    assert item.history.count() == before + 1, "one save writes exactly one history row"
    latest = item.history.first()
    assert latest.objective == "Refresh the Domestic Abuse Services Website" and latest.themes.count() == 0
    neighbour = PlanItem.objects.get(pk=world["a2"].pk)
    counts = (item.history.count(), neighbour.history.count())
    assert services.plan_item_move(item=neighbour, direction="up")
    assert (item.history.count(), neighbour.history.count()) == (counts[0] + 1, counts[1] + 1)
    assert item.history.first().position == 2 and neighbour.history.first().position == 1
    page = officer.get(item.get_absolute_url()).content.decode()
    assert "Refresh the website → Refresh the Domestic Abuse Services Website" in page
    assert "Cross-cutting themes</strong>: Early intervention, prevention &amp; education → (blank)" in page
    assert "<strong>Number (place)</strong>: 1 → 2" in page


def test_item_form_offers_no_priority_and_the_pages_show_the_no_priority_table(officer):
    world = plan_world()
    form = PlanItemForm(version=world["draft"], instance=PlanItem(version=world["draft"]))
    assert form.fields["priority"].empty_label == "No priority (Priority: N/A)" and not form.fields["priority"].required
    page = officer.get(world["draft"].get_absolute_url()).content.decode()
    assert page.index("Road Safety") < page.index("Priority: N/A") < page.index("Support the county")
    assert "Early intervention, prevention &amp; education" in page, "theme links show on the plan page"
    item_page = officer.get(world["n1"].get_absolute_url()).content.decode()
    assert "Priority: N/A" in item_page and "Kent Police" in item_page


def test_summary_layout_leaves_out_timescale_measures_and_item_leads_everywhere(officer, settings, tmp_path):
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    world = plan_world(layout="summary")
    draft = world["draft"]
    form = PlanItemForm(version=draft, instance=PlanItem(version=draft))
    assert not {"timescale", "measures", "lead_text", "lead_organisations"} & set(form.fields)
    page = officer.get(draft.get_absolute_url()).content.decode()
    assert "Timescale" not in page and "Head of Community Safety" in page and "Kent Police" not in page
    assert "Numbered within each priority (1.1, 1.2 …)" in page and "Per priority:" not in page
    rows = list(csv.reader(io.StringIO(officer.get(f"/agreement/versions/{draft.pk}/export.csv").content.decode())))
    header = [h.lstrip("\ufeff") for h in rows[0]]
    assert "Timescale" not in header and "Measures / outcomes" not in header and "Lead agency" not in header
    assert header[:3] == ["Number", "Priority", "Priority lead"]
    objective = header.index("Objective / planned outcome")
    prevent = next(r for r in rows[1:] if r[objective] == "Support the county's Prevent duty")
    assert prevent[1:3] == ["Priority: N/A", ""]
    sheet = load_workbook(io.BytesIO(officer.get(f"/agreement/versions/{draft.pk}/export.xlsx").content)).active
    xlsx_header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert xlsx_header == header
    services.version_pdf_build(version=draft)
    draft.refresh_from_db()
    text = "\n".join(p.extract_text() for p in PdfReader(draft.pdf.path).pages)
    assert "Timescale" not in text and "Measure / Outcome" not in text and "Lead Agency" not in text
    assert "Priority: N/A" in text and "Head of Community Safety" in text and "Early intervention" in text
    assert "Key:" not in text and "Purple actions" not in text and "Green actions" not in text, "no mark is used"


def test_full_layout_pdf_and_exports_carry_themes_and_the_no_priority_table(officer, settings, tmp_path):
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    world = plan_world()
    draft = world["draft"]
    PlanItem.objects.filter(pk=world["a1"].pk).update(is_new=True, grant_funded=True)
    services.version_pdf_build(version=draft)
    draft.refresh_from_db()
    text = "\n".join(p.extract_text() for p in PdfReader(draft.pdf.path).pages)
    assert "1.1*" in text and "* New this year" in text and "Purple actions" in text and "Green actions" not in text
    assert "Timescale" in text and "Themes" in text and "Priority: N/A" in text and "N/A.1" in text
    rows = list(csv.reader(io.StringIO(officer.get(f"/agreement/versions/{draft.pk}/export.csv").content.decode())))
    website = next(r for r in rows if r[3] == "Refresh the website")
    assert website[PLAN_COLUMNS.index("Themes")] == "Early intervention, prevention & education"


def sheet_upload(headers, rows, fmt="xlsx"):
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows([headers, *rows])
        return SimpleUploadedFile("plan.csv", text.getvalue().encode())
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("plan.xlsx", buffer.getvalue())


def row(**values):
    base = dict.fromkeys(PLAN_COLUMNS, "")
    base.update({"Priority": "Domestic Abuse", "Objective / planned outcome": "Promote the helpline"}, **values)
    return [base[c] for c in PLAN_COLUMNS]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_reads_themes_no_priority_and_a_month_excel_stored_as_a_date(officer, fmt):
    import datetime

    world = plan_world()
    draft = world["draft"]
    month = datetime.datetime(2023, 3, 1) if fmt == "xlsx" else "2023-03-01 00:00:00"
    rows = [
        row(**{"Themes": "early INTERVENTION, prevention & education", "Timescale": month}),
        row(**{"Priority": "Priority: N/A", "Objective / planned outcome": "Unaligned work"}),
    ]
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet_upload(PLAN_COLUMNS, rows, fmt)})
    assert preview.context["valid"], [r.errors for r in preview.context["rows"]]
    officer.post(f"/agreement/versions/{draft.pk}/import/confirm/", {"token": preview.context["token"]})
    imported = draft.items.filter(objective="Promote the helpline").order_by("-pk").first()
    assert imported.timescale == "March 2023" and list(imported.themes.all()) == [world["theme"]]
    assert draft.items.get(objective="Unaligned work").priority is None


def test_import_refuses_unknown_columns_and_unknown_themes_by_name(officer):
    world = plan_world()
    draft = world["draft"]
    upload = sheet_upload([*PLAN_COLUMNS, "RAG", "Owner"], [row() + ["Green", "Jo"]])
    body = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": upload}).content.decode()
    assert "The sheet has columns this plan does not have: RAG, Owner." in body
    upload = sheet_upload(
        PLAN_COLUMNS, [row(Themes="Reducing Re-Offending; Early intervention, prevention & education")]
    )
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": upload})
    assert not preview.context["valid"]
    assert preview.context["rows"][0].errors == ["Themes not in this year's agreement: Reducing Re-Offending"]
    count = draft.items.count()
    assert draft.items.count() == count


def test_summary_plan_import_takes_its_own_columns_and_refuses_full_ones(officer):
    world = plan_world(layout="summary")
    draft = world["draft"]
    export = officer.get(f"/agreement/versions/{draft.pk}/export.xlsx").content
    preview = officer.post(f"/agreement/versions/{draft.pk}/import/", {"sheet": SimpleUploadedFile("p.xlsx", export)})
    assert preview.context["valid"], [r.errors for r in preview.context["rows"]]
    checked = preview.content.decode()
    assert "Timescale" not in checked and "None" not in checked and "All 4 rows are ready" in checked
    body = officer.post(
        f"/agreement/versions/{draft.pk}/import/", {"sheet": sheet_upload(PLAN_COLUMNS, [row()])}
    ).content.decode()
    assert "columns this plan does not have: Measures / outcomes, Timescale, Lead agency" in body


def test_plan_page_queries_stay_constant_with_no_priority_items_and_themes(officer):
    from kcsp.testing import assert_queries_constant

    world = plan_world(numbering="continuous", layout="summary")

    def grow():
        for n in range(4):
            item = add_item(world["draft"], None if n % 2 else world["second"], f"More {n}")
            item.themes.set([world["theme"]])

    assert_queries_constant(officer, world["draft"].get_absolute_url(), grow)
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize("numbering", ["per_priority", "continuous"])
def test_an_officer_adds_an_item_through_the_page_with_a_theme_and_no_priority(officer, numbering):
    world = plan_world(numbering=numbering)
    url = f"/agreement/versions/{world['draft'].pk}/items/new/"
    assert officer.get(url).status_code == 200
    response = officer.post(
        url,
        {
            "priority": "",
            "objective": "Support victims of fraud",
            "actions": "Run a campaign\nTrain call handlers",
            "timescale": "March 2023",
            "themes": [world["theme"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = PlanItem.objects.get(objective="Support victims of fraud")
    assert item.priority is None and list(item.themes.all()) == [world["theme"]]
    assert item.actions == ["Run a campaign", "Train call handlers"]
    assert item.number == ("N/A.2" if numbering == "per_priority" else "5")
    assert item.history.count() == 1


def test_a_new_agreement_shows_empty_states_and_a_leadless_priority_is_not_stated(officer):
    empty = AgreementFactory()
    page = officer.get(empty.get_absolute_url()).content.decode()
    assert "No priorities yet. Add them under" in page and "No cross-cutting themes yet." in page
    assert page.count("Priorities</") == 1, "one heading, no empty table"
    world = plan_world(layout="summary")
    item_page = officer.get(world["b1"].get_absolute_url()).content.decode()
    lead = item_page[item_page.index("Lead (the priority") :].split("</dd>")[0]
    assert "Not stated" in lead
