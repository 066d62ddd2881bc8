"""The pack's one structure tree merged from its parts' (meetings/packbuild/structure.py), read back with pikepdf."""

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from kcsp.pdf import html_pdf, print_pdf
from kcsp.testing import pdf_changed
from meetings.packbuild.assemble import PackPart, build_pdf
from meetings.packbuild.pages import lay_out
from meetings.packbuild.structure import UNTAGGED_ALT, elements
from meetings.packbuild.tags import is_tagged, pdf_tagged


def html(title: str, pages: int = 1, lang: str = "en-GB") -> str:
    body = "".join(
        f"<h1>{title} part {n}</h1><p>Text of {title} {n}, <a href='https://example.org/{n}'>a link</a>.</p>"
        f"<h2>{title} detail {n}</h2><p style='break-after: page'>More of {title} {n}.</p>"
        for n in range(1, pages + 1)
    )
    return f"<html lang='{lang}'><head><title>{title}</title></head><body>{body}</body></html>"


def tagged(title: str, pages: int = 1, lang: str = "en-GB") -> bytes:
    return print_pdf(html(title, pages, lang))


def pack(parts: list[PackPart], front: bytes | None = None, title: str = "Public agenda pack: test") -> pikepdf.Pdf:
    front = front or tagged("Agenda")
    sizes = [(part.key, part.page_count) for part in parts]
    front_pdf, layout = lay_out(lambda layout: front, sizes, plan={}, published_at=None)
    data = build_pdf(front=front_pdf, layout=layout, parts=parts, title=title)
    return pikepdf.open(io.BytesIO(data))


def part_elements(doc: pikepdf.Pdf) -> list[Dictionary]:
    document = doc.Root.StructTreeRoot.K[0]
    return [kid for kid in document.K if isinstance(kid, Dictionary)]


def marked_content(doc: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page index, MCID) of every marked-content sequence with an MCID, read from the page streams."""
    found = set()
    for index, page in enumerate(doc.pages):
        for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
            if str(operator) == "BDC" and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
                found.add((index, int(operands[1].MCID)))
    return found


def reached(doc: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page index, MCID) reached from the StructTreeRoot, each page's ParentTree entry agreeing."""
    page_index = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
    parents = dict(pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree).items())
    found = set()
    for element in elements(list(doc.Root.StructTreeRoot.K)):
        kids = element.get("/K")
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, int) or (
                isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer
            ):
                page = element.Pg
                index = page_index[page.objgen]
                mcid = int(kid)
                entry = parents[int(page.StructParents)]
                assert entry[mcid].objgen == element.objgen, "the ParentTree names the element holding the MCID"
                found.add((index, mcid))
    return found


@pytest.fixture(scope="module")
def merged():
    parts = [
        PackPart("paper-1", "1 Written paper", tagged("Written", 2)),
        PackPart("paper-2", "2 Uploaded tagged paper", tagged("Uploaded", 2, lang="cy"), uploaded=True),
        PackPart("appendix-1", "Appendix A: scanned", html_pdf(html("Scanned")), "paper-2", uploaded=True),
    ]
    return pack(parts)


def test_the_pack_is_one_tagged_document_with_a_part_per_part_in_page_order(merged):
    assert is_tagged(merged)
    assert merged.Root.MarkInfo.Marked is True
    assert str(merged.Root.Lang) == "en-GB"
    assert merged.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(merged.docinfo.Title) == "Public agenda pack: test"
    meta = merged.open_metadata()
    assert meta["dc:title"] == "Public agenda pack: test"
    assert meta["pdfuaid:part"] == "1"
    document = merged.Root.StructTreeRoot.K[0]
    assert str(document.S) == "/Document"
    titles = [str(part.T) for part in part_elements(merged)]
    assert titles == ["Agenda", "1 Written paper", "2 Uploaded tagged paper", "Appendix A: scanned"]
    assert all(str(part.S) == "/Part" and part.P.objgen == document.objgen for part in part_elements(merged))
    assert str(part_elements(merged)[2].Lang) == "cy", "a part in another language says so"
    headings = [str(e.S) for e in elements(part_elements(merged)[1:2]) if str(e.S) in ("/H1", "/H2")]
    assert headings == ["/H1", "/H2", "/H1", "/H2"]


def test_every_marked_content_of_every_page_is_reached_and_keys_never_clash(merged):
    assert marked_content(merged) == reached(merged)
    keys = [int(page.obj.StructParents) for page in merged.pages if "/StructParents" in page.obj]
    assert len(keys) == len(set(keys)), "no two pages share a ParentTree key"
    parents = dict(pikepdf.NumberTree(merged.Root.StructTreeRoot.ParentTree).items())
    links = [a for page in merged.pages for a in page.obj.get("/Annots", []) if a.Subtype == Name.Link]
    assert len(links) >= 5
    for link in links:
        element = parents[int(link.StructParent)]
        objects = [kid.Obj.objgen for kid in element.K if isinstance(kid, Dictionary) and "/Obj" in kid]
        assert str(element.S) == "/Link" and objects == [link.objgen]
    assert int(merged.Root.StructTreeRoot.ParentTreeNextKey) > max(parents)


def test_an_untagged_upload_is_announced_page_by_page_and_blank_pages_are_artifacts(merged):
    scanned = part_elements(merged)[3]
    figures = [kid for kid in scanned.K if str(kid.S) == "/Figure"]
    assert figures and all("was uploaded without accessibility tags" in str(f.Alt) for f in figures)
    assert str(figures[0].Alt).startswith("Page ")
    assert [str(kid.S) for kid in scanned.K if str(kid.S) != "/Figure"] == ["/Link"], "its link is tagged as a link"
    blanks = [page for page in merged.pages if "/StructParents" not in page.obj]
    assert blanks, "the layout put a blank page before a part starting on an odd page"
    for page in blanks:
        ops = pikepdf.parse_content_stream(page, "BMC BDC")
        marks = [(str(op), str(args[0])) for args, op in ops]
        assert marks[0] == ("BDC", "/Artifact") or marks[0] == ("BMC", "/Artifact"), "the blank page is an artifact"
    assert UNTAGGED_ALT.split("{")[0] == "Page "


def test_bookmarks_point_at_parts_and_keep_an_uploaded_papers_own(merged):
    with merged.open_outline() as outline:
        top = list(outline.root)
        assert [item.title for item in top] == ["1 Written paper", "2 Uploaded tagged paper"]
        uploaded = top[1]
        assert "/SE" in uploaded.obj and uploaded.obj.SE.T == "2 Uploaded tagged paper"
        own = [item.title for item in uploaded.children]
        assert own == ["Uploaded part 1", "Uploaded part 2", "Appendix A: scanned"]
        page_of = {page.obj.objgen: n for n, page in enumerate(merged.pages)}
        first = page_of[uploaded.destination[0].objgen]
        second = uploaded.children[1]
        assert page_of[second.destination[0].objgen] == first + 1, "its own bookmark points at its page in the pack"
        assert second.destination[1] == Name.XYZ, "the view it asked for is kept"
        assert [c.title for c in uploaded.children[0].children] == ["Uploaded detail 1"]
        written = top[0]
        assert list(written.children) == [], "a written paper's headings are not bookmarked twice"


def test_clashing_role_maps_class_maps_and_ids_are_renamed_in_the_later_part_only():
    def custom(role: str, cls: str, ident: bytes):
        def change(doc):
            root = doc.Root.StructTreeRoot
            root.RoleMap = Dictionary({"/Clerk": Name(role)})
            root.ClassMap = Dictionary({"/Box": Dictionary(O=Name.Layout, Placement=Name(cls))})
            top = list(root.K) if isinstance(root.K, Array) else [root.K]
            first = next(e for e in elements(top) if str(e.S) == "/P")
            first.S = Name("/Clerk")
            first.C = Name("/Box")
            first.ID = String(ident)
            ids = pikepdf.NameTree.new(doc)
            ids[ident.decode()] = first
            root.IDTree = ids.obj

        return change

    one = pdf_changed(tagged("One"), custom("/P", "/Block", b"x1"))
    two = pdf_changed(tagged("Two"), custom("/H1", "/Inline", b"x1"))
    doc = pack([PackPart("paper-1", "1 One", one), PackPart("paper-2", "2 Two", two)])
    root = doc.Root.StructTreeRoot
    assert root.RoleMap["/Clerk"] == Name.P
    renamed = [name for name in root.RoleMap if name.startswith("/Clerk_")]
    assert len(renamed) == 1 and root.RoleMap[renamed[0]] == Name.H1
    second = [e for e in elements(part_elements(doc)[2:]) if str(e.S).startswith("/Clerk")]
    assert [str(e.S) for e in second] == renamed
    assert str(second[0].C) != "/Box" and root.ClassMap[str(second[0].C)].Placement == Name.Inline
    ids = dict(pikepdf.NameTree(root.IDTree).items())
    assert sorted(ids) == ["p3-x1", "x1"]
    assert bytes(ids["p3-x1"].ID) == b"p3-x1"


def test_a_word_paper_converted_by_libreoffice_keeps_its_tags_in_the_pack(tmp_path):
    import subprocess

    source = tmp_path / "paper.html"
    source.write_text(html("Word", 1))
    subprocess.run(  # noqa: S603
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/p",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(  # noqa: S603
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/p",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(tmp_path),
            str(tmp_path / "paper.odt"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = (tmp_path / "paper.pdf").read_bytes()
    assert pdf_tagged(converted)
    doc = pack([PackPart("paper-1", "1 Word paper", converted, uploaded=True)])
    part = part_elements(doc)[1]
    assert str(part.T) == "1 Word paper" and str(part.Lang) == "en-US", "LibreOffice's own language is kept"
    assert "/RoleMap" in doc.Root.StructTreeRoot
    assert marked_content(doc) == reached(doc)


def test_the_pdf_of_chosen_pages_stays_tagged_and_carries_nothing_of_the_pages_left_out(merged):
    from meetings.pack_pages import pages_extract

    out = io.BytesIO()
    merged.save(out)
    labels = [str(n) for n in range(1, len(merged.pages) + 1)]
    uploaded_pages = [n for n, page in enumerate(merged.pages) if n >= 4][:2]
    chosen = sorted([0, *uploaded_pages])
    extract = pikepdf.open(io.BytesIO(pages_extract(out.getvalue(), chosen, labels)))
    assert len(extract.pages) == 3
    assert is_tagged(extract) and extract.Root.MarkInfo.Marked is True
    assert sum(1 for obj in extract.objects if isinstance(obj, Dictionary) and obj.get("/Type") == "/Page") == 3
    assert marked_content(extract) == reached(extract)
    kept_titles = [str(part.T) for part in part_elements(extract)]
    assert kept_titles[0] == "Agenda" and "1 Written paper" not in kept_titles
    with extract.open_outline() as outline:
        for item in outline.root:
            assert item.destination[0].objgen in {page.obj.objgen for page in extract.pages}


def test_links_a_tagged_uploads_tree_leaves_out_are_tagged_and_a_lost_page_entry_is_rebuilt():
    def loosen(doc):
        page = doc.pages[0]
        for annotation in page.obj.Annots:
            del annotation["/StructParent"]  # a writer that tags text but not links
        doc.pages[0].obj.StructParents = -7  # a key its ParentTree does not hold

    loose = pdf_changed(tagged("Loose"), loosen)
    doc = pack([PackPart("paper-1", "1 Loose", loose)])
    page = next(p for p in doc.pages if any(a.Subtype == "/Link" for a in p.obj.get("/Annots", [])))
    parents = dict(pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree).items())
    for annotation in page.obj.Annots:
        element = parents[int(annotation.StructParent)]
        assert str(element.S) == "/Link" and element.K[0].Obj.objgen == annotation.objgen
    assert marked_content(doc) == reached(doc), "a page whose key resolved nowhere gets its entry from the tree"


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Appendix B: untagged scan", "untagged scan"),
        ("appendix 2 - Plan", "Plan"),
        ("Appendix C. Budget", "Budget"),
        ("Appendix B", "Appendix B"),
        ("Appendix Budget", "Appendix Budget"),
        ("Appendices list", "Appendices list"),
    ],
)
def test_an_appendix_title_typed_with_its_letter_prints_the_letter_once(typed, kept):
    from meetings.services import appendix_title

    assert appendix_title(typed) == kept


def test_an_uploaded_picture_its_author_left_undescribed_is_described_as_such():
    def undescribe(doc):
        root = doc.Root.StructTreeRoot
        top = list(root.K) if isinstance(root.K, Array) else [root.K]
        paragraph = next(e for e in elements(top) if str(e.S) == "/P")
        paragraph.S = Name.Figure  # a picture with neither /Alt nor /ActualText

    upload = pdf_changed(tagged("Pictures"), undescribe)
    doc = pack([PackPart("paper-1", "1 Pictures", upload, uploaded=True)])
    figures = [e for e in elements(part_elements(doc)[1:]) if str(e.S) == "/Figure"]
    described = "A picture in “1 Pictures” that its author gave no description."
    assert figures and all(str(figure.Alt) == described for figure in figures)
