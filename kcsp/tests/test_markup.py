"""The written papers' markup (kcsp/markup.py): the subset, the numbering, and that typed HTML never becomes markup."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcsp.markup import escape, plain_text, render_blocks, render_html

REPORT = """The partnership funded four projects in 2021/22.
Each reported at year end.

# Projects funded

- Dover *youth* diversion
- Swale **night-time** economy
  - two venues

1. Review the bids
2. Agree the pot

| Project | District | Amount |
|---|---|---:|
| Safer streets | Dover | £4,500 |

See [the guidance](https://www.gov.uk/guidance) or <mailto:kcsp@kent.gov.uk>.
"""


ALLOWED = {"h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED |= {"strong", "em", "a"}


def assert_only_the_allow_list(html: str) -> None:
    """Every tag is allowed, with only class, href (https, http, mailto), start, scope and rel attributes."""
    for name, attributes in re.findall(r"<(/?[a-zA-Z0-9]+)([^>]*)>", html):
        assert name.lstrip("/") in ALLOWED, html
        for attribute, value in re.findall(r'\s([^\s=]+)="([^"]*)"', attributes):
            assert attribute in {"class", "href", "start", "scope", "rel"}, html
            if attribute == "href":
                assert re.match(r"(https?:|mailto:)", value), html
        assert not re.sub(r'\s[^\s=]+="[^"]*"', "", attributes).strip(" /"), f"an attribute out of quotes: {html}"


def kinds(blocks):
    return [(block.kind, block.number) for block in blocks]


def test_a_report_renders_as_numbered_paragraphs_with_headings_lists_and_a_table():
    blocks = render_blocks(REPORT, section=2)
    assert kinds(blocks) == [
        ("paragraph", "2.1"),
        ("heading", ""),
        ("list", ""),
        ("list", ""),
        ("table", ""),
        ("paragraph", "2.2"),
    ]
    assert blocks[0].html == "The partnership funded four projects in 2021/22.<br>\nEach reported at year end."
    assert blocks[1].html.strip() == '<h3 class="govuk-heading-s">Projects funded</h3>'
    assert '<ul class="govuk-list govuk-list--bullet">' in blocks[2].html and "<em>youth</em>" in blocks[2].html
    assert blocks[2].html.count("<ul") == 2, "a nested list"
    assert '<ol class="govuk-list govuk-list--number">' in blocks[3].html
    table = blocks[4].html
    assert (
        '<thead class="govuk-table__head">' in table and '<th class="govuk-table__header" scope="col">Project' in table
    )
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">£4,500</td>' in table
    assert "style=" not in table, "alignment is a class: no inline style under the CSP"
    assert '<a href="https://www.gov.uk/guidance" class="govuk-link" rel="noopener noreferrer">the guidance</a>' in (
        blocks[5].html
    )
    assert 'href="mailto:kcsp@kent.gov.uk"' in blocks[5].html


@pytest.mark.parametrize(
    "source,level",
    [("# A", "h3"), ("## A", "h4"), ("### A", "h5"), ("#### A", "h6"), ("###### A", "h6")],
)
def test_headings_sit_under_the_papers_own_h1_and_the_sections_h2(source, level):
    assert render_html(source).startswith(f"<{level} ")


def test_a_heading_takes_no_number_and_does_not_restart_the_count():
    blocks = render_blocks("One.\n\n## Part\n\nTwo.\n\n- a list\n\nThree.", section=5)
    assert [b.number for b in blocks if b.kind == "paragraph"] == ["5.1", "5.2", "5.3"]


def test_an_ordered_list_keeps_its_first_number():
    assert '<ol start="3" class="govuk-list govuk-list--number">' in render_html("3. third\n4. fourth")


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
        "[click](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[click](/relative/path)",
    ],
)
def test_links_with_unsafe_or_relative_addresses_keep_no_address(source):
    html = render_html(source)
    assert "href=" not in html, "the words stay, as text or a link with no address"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "**<b onmouseover=alert(1)>bold</b>**",
        "| <script>x</script> | b |\n|---|---|\n| <iframe src=x> | c |",
        "- <svg onload=alert(1)>\n  - <style>body{}</style>",
        "![pic](https://example.org/x.png)",
        "![pic](data:image/png;base64,AAAA)",
        "`<script>`",
        "```\n<script>\n```",
        "&lt;script&gt; &#60;script&#62;",
        "[**<img src=x onerror=alert(1)>**](https://x.org)",
        "<div>\n\n*nested*\n\n</div>",
    ],
)
def test_typed_html_or_script_never_becomes_markup(source):
    html = render_html(source)
    assert_only_the_allow_list(html)
    assert "<script" not in html and "<img" not in html


def test_switched_off_syntax_shows_as_typed():
    assert plain_text("`code` &amp; ---\n> quote\n\n    indented").split() == [
        "`code`",
        "&amp;",
        "---",
        ">",
        "quote",
        "indented",
    ]


def test_escaped_text_renders_as_itself():
    text = "1. Not a list\n# not a heading\n- not a bullet\n| not | a table |\n:--\nstars *a* _b_ [c](https://d) <e>"
    assert render_html(escape(text)).count("<p") == 1
    assert plain_text(escape(text)).splitlines() == text.splitlines()


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from(list("ab1. #*-+_|:<>[]()`\\!&;=\n\t")) | st.characters(codec="utf-8"), max_size=80))
def test_any_text_renders_without_error_and_only_to_the_allow_list(source):
    assert_only_the_allow_list(render_html(source))
    for block in render_blocks(source, section=1):
        assert block.kind in {"paragraph", "heading", "list", "table"}


@pytest.mark.parametrize(
    "source", ["[x](%6Aavascript:alert(1))", "[x](//evil.example)", "[x](/relative)", "[x](javascript:alert(1))"]
)
def test_a_refused_address_leaves_the_words_not_an_address_less_link(source):
    html = str(render_html(source))
    assert "<a" not in html and "x" in html
