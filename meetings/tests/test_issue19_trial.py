"""Faults found trying issue 19 as a new user (helper `trial`): each test fails on main as it stood and says why.

- The PDF of chosen pages drops every bookmark and every link between pages, the kept pages' included
  (structure._on_kept_page is given a page, looks for the page's own /Pg and so never finds a kept page).
- A LibreOffice-made paper with footnotes (a Word upload converted by docx_to_pdf, or a PDF exported from Writer)
  has untagged link annotations (the footnotes' links back to their reference): the pack fails the checker
  (PackStructureError in the tests; a non-conforming file in production, where the check is off).
- A link to a named destination (WeasyPrint writes every internal link so: written papers, uploads made by
  WeasyPrint or Chrome) is dead in the pack: pages.extend copies no /Names /Dests (pikepdf's PageCopyWarning).
- The pack says %PDF-1.3 (pikepdf.new's version) while PDF/UA-1 is built on PDF 1.7 and the parts are 1.6/1.7.
"""

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from kcsp.pdf import print_pdf
from kcsp.pdfstructure import structure_problems
from meetings.pack_pages import pages_extract
from meetings.packbuild.assemble import PackPart, build_pdf
from meetings.packbuild.pages import lay_out
from meetings.packbuild.parts import TAGGED_PDF_EXPORT


def chapters(title: str, count: int) -> bytes:
    """A tagged PDF of `count` + 1 pages: a link on the first to the last, then a chapter a page, a heading each
    (so its own bookmarks)."""
    body = f"<p><a href='#c{count}'>To the last chapter</a></p>" + "".join(
        f"<h1 id='c{n}' style='break-before: page'>{title} chapter {n}</h1><p>Text {n}.</p>"
        for n in range(1, count + 1)
    )
    return print_pdf(f"<html lang='en-GB'><head><title>{title}</title></head><body>{body}</body></html>")


def explicit(pdf: bytes) -> bytes:
    """`pdf` with its links' named destinations replaced by the explicit ones (as LibreOffice and Word write them)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        names = dict(pikepdf.NameTree(doc.Root.Names.Dests).items())
        for page in doc.pages:
            for annotation in page.obj.get("/Annots", []):
                if isinstance(annotation.get("/Dest"), pikepdf.String):
                    annotation.Dest = names[str(annotation.Dest)]
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def build(parts: list[PackPart]) -> bytes:
    front = print_pdf("<html lang='en-GB'><head><title>Agenda</title></head><body><h1>Agenda</h1></body></html>")
    sizes = [(part.key, part.page_count) for part in parts]
    front_pdf, layout = lay_out(lambda layout: front, sizes, plan={}, published_at=None)
    return build_pdf(front=front_pdf, layout=layout, parts=parts, title="Public agenda pack: trial")


@pytest.fixture(scope="module")
def pack_pdf():
    return build([PackPart("paper-1", "1 Uploaded paper", explicit(chapters("Uploaded", 3)), uploaded=True)])


def test_a_link_to_a_named_destination_still_goes_there_in_the_pack():
    data = build([PackPart("paper-1", "1 Uploaded paper", chapters("Uploaded", 3), uploaded=True)])
    with pikepdf.open(io.BytesIO(data)) as doc:
        names = doc.Root.get("/Names")
        named = dict(pikepdf.NameTree(names.Dests).items()) if names is not None and "/Dests" in names else {}
        annotations = [(n, a) for n, page in enumerate(doc.pages) for a in page.obj.get("/Annots", [])]
        links = [(n, a) for n, a in annotations if "/URI" not in a.get("/A", {})]
        assert links
        for on_page, link in links:
            target = link.get("/Dest")
            target = named.get(str(target)) if isinstance(target, pikepdf.String) else target
            target = target.get("/D") if isinstance(target, pikepdf.Dictionary) else target
            assert isinstance(target, pikepdf.Array), f"the link's destination {link.get('/Dest')} is in the pack"
            assert page_of(doc, target) == on_page + 3, "to the paper's last chapter"


def page_of(doc: pikepdf.Pdf, target) -> int:
    return [page.obj.objgen for page in doc.pages].index(target[0].objgen)


def test_chosen_pages_keep_the_bookmarks_of_the_pages_kept(pack_pdf):
    with pikepdf.open(io.BytesIO(pack_pdf)) as doc:
        labels = [str(n) for n in range(1, len(doc.pages) + 1)]
        with doc.open_outline() as outline:
            paper = outline.root[0]
            first = page_of(doc, paper.destination)
    chosen = list(range(first, first + 4))  # the paper's own four pages
    extract = pikepdf.open(io.BytesIO(pages_extract(pack_pdf, chosen, labels)))
    with extract, extract.open_outline() as outline:
        titles = [str(item.title) for item in outline.root]
        own = [str(item.title) for item in outline.root[0].children] if titles else []
    assert titles == ["1 Uploaded paper"], "the paper's bookmark is kept: all its pages are"
    assert own == ["Uploaded chapter 1", "Uploaded chapter 2", "Uploaded chapter 3"], "and its own bookmarks"


def test_chosen_pages_keep_links_between_pages_kept(pack_pdf):
    with pikepdf.open(io.BytesIO(pack_pdf)) as doc:
        labels = [str(n) for n in range(1, len(doc.pages) + 1)]
        with doc.open_outline() as outline:
            first = page_of(doc, outline.root[0].destination)
    chosen = list(range(first, first + 4))
    with pikepdf.open(io.BytesIO(pages_extract(pack_pdf, chosen, labels))) as extract:
        links = [a for page in extract.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        internal = [a for a in links if "/URI" not in a.get("/A", {})]
        assert internal, "the paper links from its first page to its last"
        for link in internal:
            target = link.get("/Dest") or link.get("/A", {}).get("/D")
            assert isinstance(target, pikepdf.Array), "a link to a kept page still goes there (not a dead link)"
            assert page_of(extract, target) == 3


FOOTNOTES_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"
 office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>Paper with footnotes</dc:title></office:meta>
<office:body><office:text>
<text:h text:outline-level="1">Paper with footnotes</text:h>
<text:p>A claim.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>
<text:note-body><text:p>Crime and Disorder Act 1998, section 6.</text:p></text:note-body></text:note></text:p>
</office:text></office:body></office:document>
"""


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory) -> bytes:
    """A paper with a footnote, exported tagged by LibreOffice as docx_to_pdf exports Word uploads."""
    work = tmp_path_factory.mktemp("footnotes")
    (work / "paper.fodt").write_text(FOOTNOTES_FODT, encoding="utf-8")
    command = ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore"]
    command += ["--convert-to", TAGGED_PDF_EXPORT, "--outdir", str(work), str(work / "paper.fodt")]
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603
    return Path(work / "paper.pdf").read_bytes()


def test_a_pack_with_a_libreoffice_paper_with_footnotes_passes_the_checker(footnoted, settings):
    settings.PACK_STRUCTURE_CHECK = False  # read the problems here rather than as PackStructureError
    data = build([PackPart("paper-1", "1 Paper with footnotes", footnoted, uploaded=True)])
    assert structure_problems(data) == [], "every link annotation (the footnote's back-link too) is tagged /Link"


def test_the_pack_says_pdf_1_7(pack_pdf):
    assert pack_pdf.startswith(b"%PDF-1.7"), "PDF/UA-1 is ISO 32000-1 (PDF 1.7); the pack uses /Lang, XMP and tags"
