"""The one renderer of written papers' markup: a small Markdown subset, made safe, for pages, previews and PDFs.

The subset (CommonMark parsed by markdown-it-py with pipe tables; raw HTML is never markup, ``html=False``):

=====================================  =====================================================================
typed                                  becomes
=====================================  =====================================================================
a blank line between blocks            a new paragraph; each top-level paragraph is numbered ``S.1``, ``S.2`` …
a single line break                    a line break inside the paragraph (as papers were before markup)
``# Heading`` … ``#### Heading``       a sub-heading under the section's own heading: ``#`` is ``<h3>``,
                                       ``##`` ``<h4>``, ``###`` ``<h5>``, ``####`` or more ``<h6>``
                                       (the page's ``<h1>`` is the paper, its ``<h2>`` the numbered section)
``- item`` / ``* item`` / ``+ item``   a bulleted list (``<ul>``); indent by two spaces to nest
``1. item`` / ``1) item``              a numbered list (``<ol>``), starting at the first number typed
``| A | B |`` then ``|---|---:|``      a table whose first row is its header row (``<thead>``, ``<th scope="col">``);
                                       a column marked ``---:`` is aligned right, as figures are
``**strong**``, ``*em*`` / ``_em_``    ``<strong>``, ``<em>``
``[text](https://…)``, ``<https://…>``  a link; only ``https:``, ``http:`` and ``mailto:`` addresses are kept
``\\`` before punctuation               that character as itself (``1\\.`` at the start of a line is not a list)
=====================================  =====================================================================

Switched off (typed as plain text, shown as typed): raw HTML, images, code spans and blocks, block quotes,
horizontal rules, underlined (setext) headings, link reference definitions and HTML entities (``&amp;``
shows as typed).

Numbering (the reports' convention, kept from the plain-paragraph papers): only top-level paragraphs take a
number. A heading takes none and does not restart the count. A list or table takes none: it belongs to the
numbered paragraph before it ("2.3 The projects funded were:" then the table), printed indented under it.

The HTML markdown-it produces is then cleaned by nh3 to an allow-list: ``h3``–``h6``, ``p``, ``br``, ``ul``,
``ol[start]``, ``li``, ``table``/``thead``/``tbody``/``tr``/``th``/``td``, ``strong``, ``em``, ``a[href]``
(the schemes above; ``rel="noopener noreferrer"`` added), and only the GOV.UK classes this module adds. Whatever
the parser were to let through, nothing else reaches a page or a PDF.
"""

import html as html_lib
import re
from dataclasses import dataclass
from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

DISABLED_RULES = [
    "code",
    "fence",
    "blockquote",
    "hr",
    "reference",
    "html_block",
    "lheading",
    "backticks",
    "image",
    "html_inline",
    "entity",
]
URL_SCHEMES = {"https", "http", "mailto"}
HEADING_TAGS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}
GOVUK_CLASSES = {
    "p": "govuk-body",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "a": "govuk-link",
}
ALLOWED_TAGS = {*GOVUK_CLASSES, "br", "li", "strong", "em"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_CLASSES = {tag: set(classes.split()) for tag, classes in GOVUK_CLASSES.items()}
ALLOWED_CLASSES["th"].add("govuk-table__header--numeric")  # a column aligned right (``---:``) holds figures
ALLOWED_CLASSES["td"].add("govuk-table__cell--numeric")


@dataclass(frozen=True)
class Block:
    """One top-level block of a section's body.

    kind: "paragraph", "heading", "list" or "table". html: for a paragraph its inline content only (the
    caller wraps it in ``<p>`` after its number), for the others the whole element. number: "2.3" for a
    numbered paragraph, "" otherwise.
    """

    kind: str
    html: SafeString
    number: str = ""


UNLINKED = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)  # nh3's serialised output: no nested links


@cache
def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table").disable(DISABLED_RULES)


def sanitise(html: str) -> SafeString:
    """``html`` cleaned to the allow-list above (tags, attributes, classes, URL schemes)."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        set_tag_attribute_values={"th": {"scope": "col"}},
        clean_content_tags={"script", "style"},
    )
    # A link whose address the allow-list refused keeps its words, not an address-less link that looks broken.
    cleaned = UNLINKED.sub(r"\1", cleaned)
    return mark_safe(cleaned)  # noqa: S308 - nh3's output holds only the allow-list


def _dress(tokens) -> None:
    """Headings moved under the section's own; GOV.UK classes added (the sanitiser keeps only these)."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = HEADING_TAGS[token.tag]
        if token.nesting == 1 and token.tag in GOVUK_CLASSES:
            numeric = token.tag in ("th", "td") and "right" in str(token.attrGet("style") or "")
            token.attrSet(
                "class", GOVUK_CLASSES[token.tag] + (f" {GOVUK_CLASSES[token.tag]}--numeric" if numeric else "")
            )
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("class", GOVUK_CLASSES["a"])


def _top_level(tokens):
    """The top-level token runs: each from an opening (or lone) token at level 0 to its close."""
    start = 0
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting <= 0:
            yield tokens[start : index + 1]
            start = index + 1


KINDS = {"paragraph_open": "paragraph", "heading_open": "heading", "table_open": "table"}


def render_blocks(source: str, *, section: int | str) -> list[Block]:
    """``source`` (the subset above) as blocks, top-level paragraphs numbered ``{section}.1``, ``{section}.2`` …

    Never raises on any text: what is not markup is shown as typed, escaped.
    """
    md = parser()
    tokens = md.parse(source or "")
    _dress(tokens)
    blocks, count = [], 0
    for run in _top_level(tokens):
        kind = KINDS.get(run[0].type, "list")
        if kind == "paragraph":
            count += 1
            inline = md.renderer.render(run[1:-1], md.options, {})
            blocks.append(Block("paragraph", sanitise(inline.rstrip("\n")), f"{section}.{count}"))
        else:
            blocks.append(Block(kind, sanitise(md.renderer.render(run, md.options, {}))))
    return blocks


def render_html(source: str) -> SafeString:
    """``source`` as one HTML fragment, unnumbered (for fields that are not numbered sections)."""
    md = parser()
    tokens = md.parse(source or "")
    _dress(tokens)
    return sanitise(md.renderer.render(tokens, md.options, {}))


TAG = re.compile(r"<[^>]+>")


def plain_text(source: str) -> str:
    """The words a reader sees, without markup: for search and for comparing renderings."""
    html = render_html(source)
    html = re.sub(r"(<br>|</(p|li|h[3-6]|th|td)>)\n?", "\n", html)
    return html_lib.unescape(TAG.sub("", html)).strip()


ESCAPE_INLINE = re.compile(r"([\\*_\[\]<>|`])")
LINE_START = re.compile(r"^([#+\-=:]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """Plain text as markup source that renders as that same text (each line trimmed; blank-line paragraphs kept).

    Characters that could open markup are escaped with a backslash: ``\\ * _ [ ] < > | ``` anywhere, and at
    the start of a line ``#``, ``+``, ``-``, ``=``, ``:`` and the dot or bracket after a number (``1.`` → ``1\\.``).
    """
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):  # the paragraphs as papers split them before
        lines = [line.strip() for line in re.split(r"[\r\n]", block)]
        lines = [LINE_START.sub(_escape_start, ESCAPE_INLINE.sub(r"\\\1", line)) for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _escape_start(match) -> str:
    marker = match.group(1)
    return marker + "\\" if marker[0].isdigit() else "\\" + marker
