"""Stamping keeps a tagged PDF tagged: the structure, its document-level flags and XMP survive, and every stamp
(page number, marking, the downloader's watermark) is a pagination artifact outside the structure."""

import io

import pikepdf
import pytest
from pypdf import PdfReader

from kcsp.pdf import print_pdf
from meetings.packbuild.assemble import watermark_copy
from meetings.packbuild.stamp import BLANK_TEXT, blank_page_pdf, stamp_pdf
from meetings.packbuild.tags import is_tagged, pdf_tagged
from meetings.signedpdf import signed_minutes_pdf

MARKING = "OFFICIAL-SENSITIVE"
WATERMARK = "downloaded by Mr Ł Dvořák on 1 May 2026 - do not forward"
TITLE = "Notes of a meeting of the Kent CSP (restricted items)"


def tagged_pdf(*, margin: str = "2cm") -> bytes:
    """Pages of headings and paragraphs, tagged (PDF/UA-1) by WeasyPrint; `margin` 0 puts text in the bands."""
    paragraphs = "".join(f"<p>Paragraph {n} of the paper, which the screen reader reads.</p>" for n in range(60))
    return print_pdf(
        f"<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>{TITLE}</title>"
        f"<style>@page {{ size: A4; margin: {margin} }}</style></head>"
        f"<body><h1>Notes</h1><h2>Restricted items</h2>{paragraphs}</body></html>"
    )


def _mcids(page: pikepdf.Page) -> list[int]:
    return [
        int(operands[1].MCID)
        for operands, operator in pikepdf.parse_content_stream(page, "BDC")
        if isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
    ]


def tag_facts(data: bytes) -> dict:
    """What a screen reader and a PDF/UA checker rely on, read back with pikepdf."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        root = doc.Root
        with doc.open_metadata() as xmp:
            title, part = xmp.get("dc:title"), xmp.get("pdfuaid:part")
        tree = root.StructTreeRoot
        return {
            "tagged": is_tagged(doc),
            "tree": (len(tree.K) if isinstance(tree.K, pikepdf.Array) else 1, tree.ParentTree.objgen != (0, 0)),
            "marked": bool(root.MarkInfo.Marked),
            "lang": str(root.Lang),
            "display title": bool(root.ViewerPreferences.DisplayDocTitle),
            "xmp": (title, part),
            "pages": [(int(page.obj.StructParents), _mcids(page)) for page in doc.pages],
            "tabs": [str(page.obj.get("/Tabs")) for page in doc.pages],
        }


def stamp_placements(data: bytes) -> list[list[tuple[str, list]]]:
    """Per page, each stamp drawn (a `Do` of a /KStamp form) with the marked-content tags enclosing it."""
    pages = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            stack, found = [], []
            for operands, operator in pikepdf.parse_content_stream(page, "BDC BMC EMC Do"):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    properties = operands[1] if op == "BDC" else None
                    stack.append((str(operands[0]), properties))
                elif op == "EMC":
                    stack.pop()
                elif str(operands[0]).startswith("/KStamp"):
                    found.append((str(operands[0]), list(stack)))
            assert not stack, "every marked-content sequence is closed on its page"
            pages.append(found)
    return pages


DRAWING = "Tj TJ ' \" Do f F f* B B* b b* S s sh BI"


def drawn_outside(data: bytes) -> list[tuple[int, str]]:
    """(page, operator) of everything drawn neither in the structure (marked content with an MCID) nor as an
    /Artifact: content a screen reader would meet untagged (PDF/UA-1 7.1)."""
    loose = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for number, page in enumerate(doc.pages, 1):
            stack = []
            for operands, operator in pikepdf.parse_content_stream(page, "BDC BMC EMC " + DRAWING):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    properties = operands[1] if op == "BDC" else None
                    mcid = isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    stack.append(mcid or str(operands[0]) == "/Artifact")
                elif op == "EMC":
                    stack.pop()
                elif not any(stack):
                    loose.append((number, op))
    return loose


def assert_stamps_are_artifacts(data: bytes, per_page: int) -> None:
    pages = stamp_placements(data)
    assert pages and all(len(found) == per_page for found in pages), [len(found) for found in pages]
    for found in pages:
        for name, enclosing in found:
            assert len(enclosing) == 1, f"{name} sits in exactly one marked-content sequence, not in the paper's"
            tag, properties = enclosing[0]
            assert tag == "/Artifact" and properties.Type == pikepdf.Name.Pagination, name
    with pikepdf.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            for name, form in page.obj.Resources.XObject.items():
                if name.startswith("/KStamp"):
                    assert "/StructParents" not in form and "/StructParent" not in form
                    assert b"/MCID" not in form.read_bytes(), "a stamp adds nothing to the structure"


def test_a_tagged_pdf_is_tagged_and_the_facts_are_read_as_expected():
    facts = tag_facts(tagged_pdf())
    assert facts["tagged"] and facts["marked"] and facts["display title"]
    assert facts["lang"] == "en-GB" and facts["xmp"] == (TITLE, "1")
    assert len(facts["pages"]) >= 2 and all(mcids for _, mcids in facts["pages"])


@pytest.mark.parametrize("margin", ["2cm", "0"], ids=["clear bands", "text in the bands, shrunk"])
def test_stamp_pdf_keeps_the_tags_and_stamps_as_artifacts(margin):
    original = tagged_pdf(margin=margin)
    stamped = stamp_pdf(original, top=(MARKING, ""), bottom=lambda number: (MARKING, f"Page {number}"))
    assert stamped != original
    assert tag_facts(stamped) == tag_facts(original)
    assert_stamps_are_artifacts(stamped, per_page=2)
    assert drawn_outside(stamped) == drawn_outside(original) == [], "all drawn is tagged or an artifact"
    with pikepdf.open(io.BytesIO(stamped)) as doc:
        shrunk = b" cm" in doc.pages[0].obj.Contents[0].read_bytes()  # the stream stamp_doc put first
    assert shrunk == (margin == "0")


def test_watermark_copy_at_download_keeps_the_tags_and_adds_an_artifact():
    built = stamp_pdf(tagged_pdf(), top=(MARKING, ""), bottom=lambda number: (MARKING, f"Page {number}"))
    copy = watermark_copy(built, WATERMARK)
    assert tag_facts(copy) == tag_facts(built)
    assert_stamps_are_artifacts(copy, per_page=3)  # the built top and bottom, and the downloader's watermark
    assert drawn_outside(copy) == []
    assert pdf_tagged(watermark_copy(copy, "downloaded again"))


@pytest.mark.django_db
def test_signed_minutes_are_tagged_through_signing_stamps_and_the_readers_download(signed_world):
    record = signed_world["records"]["restricted"]
    rendered = signed_minutes_pdf(record.content)
    facts = tag_facts(rendered)
    assert facts["tagged"] and facts["xmp"][1] == "1" and facts["xmp"][0].startswith("Notes")
    assert facts["xmp"][0].endswith("(restricted items)")
    assert_stamps_are_artifacts(rendered, per_page=2)
    response = signed_world["clients"]["member"].get(f"/meetings/{record.meeting_id}/minutes/restricted.pdf")
    assert response.status_code == 200
    with record.pdf.open("rb") as handle:
        served = handle.read()
    assert tag_facts(response.content) == tag_facts(served), "file_send's watermark keeps the tags"
    assert_stamps_are_artifacts(response.content, per_page=3)
    assert drawn_outside(rendered) == drawn_outside(response.content) == []


def test_the_blank_page_is_all_artifact_and_still_says_so():
    blank = blank_page_pdf()
    assert drawn_outside(blank) == [] and not pdf_tagged(blank)
    with pikepdf.open(io.BytesIO(blank)) as doc:
        assert not _mcids(doc.pages[0])
    stamped = stamp_pdf(blank, bottom=lambda number: ("", f"Page {number}"))
    assert drawn_outside(stamped) == []
    assert " ".join(BLANK_TEXT.split()) in " ".join(PdfReader(io.BytesIO(stamped)).pages[0].extract_text().split())
