"""A restricted Word original marked on its way out (issue 20, "Protective markings everywhere").

An officer downloading a restricted paper's Word original (to edit it) gets the original with the protective
marking and handling line (kcsp/marking.py) as the first paragraph of every header and the last of every footer,
and the reader's name under the marking at the top, as PDF copies carry them (kcsp.downloads). The body is left
exactly as uploaded. python-docx writes the headers; a section whose header is linked to the previous section's
shares it and is not marked twice; a file with no section properties gets one section (Word's defaults).
"""

import io

from docx import Document
from docx.shared import Pt


def _mark(part, lines: list[str], *, first: bool) -> None:
    """Put `lines` (bold, 9 pt) first (a header) or last (a footer) in a header or footer part."""
    for text in lines if not first else reversed(lines):
        paragraph = part.paragraphs[0].insert_paragraph_before() if first and part.paragraphs else part.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(9)


def docx_marked(data: bytes, marking: str, reader: str) -> bytes:
    """`data` (a .docx file's bytes) with `marking` and `reader` at the top of every header and `marking` at the
    foot of every footer: default, first-page and even-page ones where the document uses them. Raises the
    python-docx error for a file that is not a Word document."""
    document = Document(io.BytesIO(data))
    document.element.body.get_or_add_sectPr()  # a minimal file has no section properties: Word's defaults apply
    even = document.settings.odd_and_even_pages_header_footer
    for index, section in enumerate(document.sections):
        kinds = [("header", "footer")]
        if section.different_first_page_header_footer:
            kinds.append(("first_page_header", "first_page_footer"))
        if even:
            kinds.append(("even_page_header", "even_page_footer"))
        for header_name, footer_name in kinds:
            header, footer = getattr(section, header_name), getattr(section, footer_name)
            if index and header.is_linked_to_previous and footer.is_linked_to_previous:
                continue  # shares the previous section's, already marked
            header.is_linked_to_previous = False
            footer.is_linked_to_previous = False
            _mark(header, [marking, reader], first=True)
            _mark(footer, [marking], first=False)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
