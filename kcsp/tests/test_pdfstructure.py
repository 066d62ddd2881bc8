"""The PDF/UA structure checker (kcsp/pdfstructure.py): a WeasyPrint PDF/UA-1 document passes, and each way of
breaking a copy of it with pikepdf gives the problem that names the broken rule."""

import pikepdf
import pytest

from kcsp.pdf import html_pdf, print_pdf
from kcsp.pdfmarked import number_tree_problems
from kcsp.pdfstructure import struct_outline, structure_problems
from kcsp.testing import pdf_changed, pdfinfo, pdfinfo_struct

DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5Erk"
    "Jggg=="
)
HTML = f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Checker test</title></head><body>
<h1>Agenda</h1><p>Read <a href="https://example.org/">the minutes</a> first.</p>
<h2>Papers</h2>
<table><thead><tr><th>Item</th><th>Title</th></tr></thead><tbody><tr><td>1</td><td>Budget</td></tr></tbody></table>
<img src="{DOT}" alt="A dot" style="width: 20px">
<h2 style="break-before: page">Second page</h2><p>More text.</p>
</body></html>"""


@pytest.fixture(scope="module")
def tagged() -> bytes:
    return print_pdf(HTML)


def elements(doc: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    """The structure elements of type `role` ("/H2"), in document order."""
    found, stack = [], list(reversed(list(doc.Root.StructTreeRoot.K)))
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if str(node.S) == role:
                found.append(node)
            kids = node.get("/K")
            stack.extend(reversed(list(kids)) if isinstance(kids, pikepdf.Array) else [kids])
    return found


def one_problem(pdf: bytes, *words: str) -> str:
    """The checker's one problem for `pdf`, which must contain each of `words`."""
    problems = structure_problems(pdf)
    assert len(problems) == 1, problems
    assert all(word in problems[0] for word in words), problems[0]
    return problems[0]


def test_a_weasyprint_pdf_ua_document_passes(tagged):
    assert structure_problems(tagged) == []


def test_the_outline_prints_the_tree_in_order(tagged):
    outline = struct_outline(tagged)
    assert outline[:3] == ["Document", "  H1", "    Span"]
    assert "    Figure: A dot" in outline
    assert [line.strip() for line in outline if line.strip().startswith("H")] == ["H1", "H2", "H2"]
    assert struct_outline(tagged, depth=1) == ["Document"]


def test_an_untagged_pdf_fails_on_every_count():
    problems = structure_problems(html_pdf(HTML))
    text = "\n".join(problems)
    for rule in ("MarkInfo:", "DisplayDocTitle:", "StructTreeRoot:", "Untagged content on page 1", "Link:"):
        assert rule in text
    assert struct_outline(html_pdf(HTML)) == []


def test_bytes_that_are_not_a_pdf_are_one_problem():
    assert structure_problems(b"not a pdf")[0].startswith("Not a readable PDF")


def test_markinfo_removed(tagged):
    one_problem(pdf_changed(tagged, lambda doc: doc.Root.__delitem__("/MarkInfo")), "MarkInfo", "6.2")


def test_lang_removed(tagged):
    one_problem(pdf_changed(tagged, lambda doc: doc.Root.__delitem__("/Lang")), "Lang:", "7.2")


def test_display_doc_title_false(tagged):
    def change(doc):
        doc.Root.ViewerPreferences.DisplayDocTitle = False

    one_problem(pdf_changed(tagged, change), "DisplayDocTitle", "7.1")


def test_title_removed_from_info(tagged):
    one_problem(pdf_changed(tagged, lambda doc: doc.trailer.Info.__delitem__("/Title")), "Title:", "Info")


def test_two_pages_sharing_a_struct_parents_key(tagged):
    def change(doc):
        doc.pages[1].obj.StructParents = doc.pages[0].obj.StructParents

    problems = structure_problems(pdf_changed(tagged, change))
    assert any("page 2 and page 1 share the key" in problem for problem in problems), problems


def test_a_parent_tree_key_removed(tagged):
    def change(doc):
        key = int(doc.pages[1].obj.StructParents)
        nums = doc.Root.StructTreeRoot.ParentTree.Nums
        at = [int(n) for n in list(nums)[::2]].index(key)
        del nums[2 * at : 2 * at + 2]

    one_problem(pdf_changed(tagged, change), "page 2's key", "is not in the ParentTree")


def test_a_parent_tree_entry_pointing_at_the_wrong_element(tagged):
    def change(doc):
        parents = doc.Root.StructTreeRoot.ParentTree.Nums[1]
        parents[0], parents[1] = parents[1], parents[0]

    one_problem(pdf_changed(tagged, change), "ParentTree: on page 1, the entries of key 0 for MCIDs 0, 1 are not")


def test_a_heading_skip(tagged):
    def change(doc):
        elements(doc, "/H2")[0].S = pikepdf.Name("/H3")

    one_problem(pdf_changed(tagged, change), "Headings:", "H3 (page 1) follows an H1")


def test_a_first_heading_that_is_not_h1(tagged):
    def change(doc):
        elements(doc, "/H1")[0].S = pikepdf.Name("/H2")

    one_problem(pdf_changed(tagged, change), "the first heading is H2")


def test_a_role_mapped_heading_is_read_as_its_standard_type(tagged):
    def change(doc):
        doc.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({"/Subhead": pikepdf.Name("/H3")})
        elements(doc, "/H2")[0].S = pikepdf.Name("/Subhead")

    one_problem(pdf_changed(tagged, change), "H3 (page 1) follows an H1")


def test_text_outside_any_marked_content(tagged):
    def change(doc):
        doc.pages[1].contents_add(pikepdf.Stream(doc, b"BT /F1 12 Tf (x) Tj ET"))

    one_problem(pdf_changed(tagged, change), "Untagged content on page 2")


def test_text_marked_as_artifact_passes(tagged):
    def change(doc):
        doc.pages[1].contents_add(pikepdf.Stream(doc, b"/Artifact BMC BT /F1 12 Tf (x) Tj ET EMC"))
        doc.pages[0].contents_add(pikepdf.Stream(doc, b"/Artifact <</Type /Pagination>> BDC 0 0 5 5 re f EMC"))

    assert structure_problems(pdf_changed(tagged, change)) == []


def test_a_path_in_marked_content_with_no_mcid_is_untagged(tagged):
    def change(doc):
        doc.pages[0].contents_add(pikepdf.Stream(doc, b"/Span BMC 0 0 5 5 re f EMC"))

    one_problem(pdf_changed(tagged, change), "Untagged content on page 1")


def test_marked_content_the_tree_does_not_reach(tagged):
    def change(doc):
        span = elements(doc, "/H1")[0].K[0]
        span.K = pikepdf.Array([])

    one_problem(pdf_changed(tagged, change), "Marked content on page 1: MCID 0 is not reached from the structure tree")

    def cut_the_tree(doc):
        doc.Root.StructTreeRoot.K = pikepdf.Dictionary({"/S": pikepdf.Name("/Document")})

    problems = structure_problems(pdf_changed(tagged, cut_the_tree))
    assert "Marked content on page 1: MCIDs 0, 1, 2, 3, 4, … (11 in all) are not reached" in problems[0], problems


def test_a_figure_without_alt(tagged):
    def change(doc):
        del elements(doc, "/Figure")[0].Alt

    one_problem(pdf_changed(tagged, change), "Figure:", "neither /Alt nor /ActualText", "7.3")


def test_a_link_annotation_not_in_a_link_element(tagged):
    def change(doc):
        elements(doc, "/Link")[0].S = pikepdf.Name("/Span")

    one_problem(pdf_changed(tagged, change), "Link:", "page 1", "OBJR")


def test_parent_tree_next_key_not_above_the_keys(tagged):
    def change(doc):
        doc.Root.StructTreeRoot.ParentTreeNextKey = 1

    one_problem(pdf_changed(tagged, change), "/ParentTreeNextKey 1")


def test_the_shape_of_a_number_tree():
    def leaf(*pairs, limits=None):
        node = pikepdf.Dictionary({"/Nums": pikepdf.Array([x for pair in pairs for x in pair])})
        if limits:
            node.Limits = pikepdf.Array(limits)
        return node

    good = pikepdf.Dictionary(
        {"/Kids": pikepdf.Array([leaf((0, 1), (2, 3), limits=[0, 2]), leaf((5, 6), limits=[5, 5])])}
    )
    assert number_tree_problems(good, "ParentTree") == ([0, 2, 5], [])
    bad_limits = pikepdf.Dictionary({"/Kids": pikepdf.Array([leaf((0, 1), (2, 3), limits=[0, 1])])})
    assert "has /Limits [0, 1]" in number_tree_problems(bad_limits, "ParentTree")[1][0]
    twice = pikepdf.Dictionary({"/Kids": pikepdf.Array([leaf((0, 1), limits=[0, 0]), leaf((0, 2), limits=[0, 0])])})
    assert number_tree_problems(twice, "ParentTree")[1] == [
        "ParentTree: key 0 comes twice; keys must ascend with no duplicates (ISO 32000-1 7.9.7)."
    ]
    descending = leaf((3, 1), (2, 3))
    assert "key 2 comes after 3" in number_tree_problems(descending, "ParentTree")[1][0]


def test_a_broken_parent_tree_shape_fails_the_document(tagged):
    def change(doc):
        tree = doc.Root.StructTreeRoot.ParentTree
        tree.Kids = pikepdf.Array([pikepdf.Dictionary({"/Nums": tree.Nums, "/Limits": pikepdf.Array([0, 0])})])
        del tree.Nums

    problems = structure_problems(pdf_changed(tagged, change))
    assert any("ParentTree: a node holding keys" in problem for problem in problems), problems


def test_pdfinfo_reads_the_tree(tagged):
    assert "Tagged:          yes" in pdfinfo(tagged)
    tree = pdfinfo_struct(tagged).splitlines()
    assert tree[0] == "Document"
    assert tree[1].startswith("  H1")
    assert "Tagged:          no" in pdfinfo(html_pdf(HTML))
