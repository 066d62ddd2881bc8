"""A written paper with headings, lists and a table over two pages, read back from the real pack PDF; the plan PDF's
table headers repeat, also beside a row taller than a page."""

import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from agreement.models import PlanItem
from agreement.services import version_pdf_build
from agreement.tests.factories import agreement_world
from meetings.models import Pack, Paper, PaperSection
from meetings.packbuild.parts import RenderStats
from meetings.packbuild.service import _paper_part, pack_build
from meetings.tests.factories import AgendaItemFactory, CommitteeFactory, published_meeting

pytestmark = pytest.mark.django_db

ROWS = 70
TABLE = "| Project | District | Amount |\n|---|---|---:|\n" + "\n".join(
    f"| Project {n} | District {n} | £{n * 100:,} |" for n in range(1, ROWS + 1)
)
BODY = f"""The partnership funded {ROWS} projects.

# Funding in 2021/22

- Youth diversion in *Dover*
- Night-time economy in **Swale**

1. Review the bids
2. Agree the pot

{TABLE}

See [the guidance](https://www.gov.uk/guidance) for the rules."""


def structure_tags(data: bytes) -> set[str]:
    tags = set()

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            tags.add(str(node.S).lstrip("/"))
            walk(node.get("/K", pikepdf.Array()))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.Root.StructTreeRoot.K)
    return tags


def test_a_written_paper_with_headings_lists_and_a_two_page_table_reads_back_from_the_pack(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = published_meeting(committee=CommitteeFactory())
    item = AgendaItemFactory(meeting=meeting, section="B", position=1, title="Grant projects")
    paper = Paper.objects.create(item=item, format="written", subject="Grant projects report")
    PaperSection.objects.create(paper=paper, position=1, heading="Background", body=BODY)
    PaperSection.objects.create(paper=paper, position=2, heading="Next steps", body="Report again.\n\n1\\. Not a list")

    pack_build(meeting=meeting, kind=Pack.Kind.PUBLIC)
    pack = Pack.objects.get(meeting=meeting, kind="public")
    assert pack.status == Pack.Status.READY
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pack.file.path).pages]

    text = " ".join(pages)
    expected = [
        "B1 Grant projects report",
        "1.0 Background",
        f"1.1 The partnership funded {ROWS} projects.",
        "Funding in 2021/22",
        "Youth diversion in Dover",
        "Night-time economy in Swale",
        "Review the bids",
        "Agree the pot",
        "Project District Amount",
        "Project 1 District 1 £100",
        f"Project {ROWS} District {ROWS} £{ROWS * 100:,}",
        "1.2 See the guidance for the rules.",
        "2.0 Next steps",
        "2.1 Report again.",
        "2.2 1. Not a list",
    ]
    positions = [text.find(words) for words in expected]
    assert -1 not in positions, [words for words in expected if words not in text]
    assert positions == sorted(positions), "the paper reads in the order it was written"

    table_pages = [page for page in pages if re.search(r"Project \d+ District", page)]
    assert len(table_pages) >= 2, "the table runs over pages"
    for page in table_pages:
        header, first_row = page.find("Project District Amount"), re.search(r"Project \d+ District", page).start()
        assert 0 <= header < first_row, "the header row is repeated above the rows on every page"
    rows = [int(n) for n in re.findall(r"Project (\d+) District", text)]
    assert rows == list(range(1, ROWS + 1)), "every row once, in order"

    # The paper's own PDF is tagged (the pack's assembly with pypdf does not carry structure trees over).
    tags = structure_tags(_paper_part(paper, RenderStats()))
    assert {"H1", "H2", "H3", "L", "LI", "LBody", "Table", "THead", "TH", "TR", "TD", "Link"} <= tags


def test_the_plan_pdf_repeats_its_headers_on_every_page_also_beside_a_row_taller_than_a_page(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = agreement_world()
    version = world["published_version"]
    tall = [f"Action step {n} " + "with a long description of the work " * 6 for n in range(1, 40)]
    PlanItem.objects.filter(pk=world["published_item"].pk).update(actions=tall)

    pdf = version_pdf_build(version=version).pdf.read()
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len([page for page in pages if "Action step" in page]) >= 2, "the tall row runs over pages"
    for number, page in enumerate(pages, start=1):
        if "Action step" in page:
            header, step = page.find("No. Objective / Planned Outcomes Actions"), page.find("Action step")
            assert 0 <= header < step, f"page {number} has the table's header row above the row"
    steps = [int(n) for n in re.findall(r"Action step (\d+) ", " ".join(pages))]
    assert steps == list(range(1, 40)), "nothing lost where the row breaks"
