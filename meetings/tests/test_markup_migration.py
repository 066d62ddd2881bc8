"""Migration 0018_paper_markup: every existing written paper reads exactly as it did before papers took markup."""

import html
import importlib
import re

from django.apps import apps
from django.template.defaultfilters import linebreaksbr
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kcsp.markup import render_blocks
from meetings.models import PaperSection
from meetings.tests.factories import committee_business

migration = importlib.import_module("meetings.migrations.0018_paper_markup")


def old_rendering(body: str, position: int) -> list[tuple[str, list[list[str]]]]:
    """The page before markup: split_paragraphs, each numbered, its text through linebreaksbr (escaped)."""
    paragraphs = [block.strip() for block in body.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return [(f"{position}.{n}", shown_lines(linebreaksbr(text))) for n, text in enumerate(paragraphs, start=1)]


def new_rendering(source: str, position: int) -> list[tuple[str, list[list[str]]]]:
    blocks = render_blocks(source, section=position)
    assert all(block.kind == "paragraph" for block in blocks), f"no heading, list or table: {blocks}"
    return [(block.number, shown_lines(block.html)) for block in blocks]


def shown_lines(fragment: str) -> list[list[str]]:
    """What a reader sees: the lines between <br>s, as words (HTML collapses white space), blank lines left out."""
    assert not re.search(r"<(?!br>)", fragment), f"nothing but line breaks is markup: {fragment}"
    lines = [html.unescape(line).split() for line in re.split(r"<br>\n?", fragment)]
    return [words for words in lines if words]


REPORT_LINES = [
    "1. Introduction",
    "1.1 The partnership met on 4 July.",
    "2) Second point",
    "# of incidents: 42",
    "#1 priority",
    "- a dash list item",
    "* starred",
    "+ plus",
    "| Area | Count |",
    "|---|---|",
    ":--|--:",
    "=====",
    "-----",
    "> quoted",
    "    indented code?",
    "`ls -la`",
    "```",
    "snake_case_name and __dunder__",
    "**not bold** *nor italic*",
    "[a link](https://example.org) <https://example.org>",
    "C:\\Users\\kcsp\\report.docx\\",
    "&amp; &lt;script&gt;",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "![image](data:image/png;base64,AA)",
    "Cost £1,500 (25%) – agreed",
]
CHARS = list("ab1.#*-+_|:<>[]()`\\!&;= \t") + ["\n", "\n\n", "\r\n", " \n", "\u00a0", "é", "ਪ"]

PIECES = lambda size: st.lists(st.sampled_from(CHARS), max_size=size).map("".join)  # noqa: E731


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(REPORT_LINES) | PIECES(12), max_size=8).map("\n".join) | PIECES(40),
    st.integers(min_value=1, max_value=12),
)
@example("1. First\n2. Second\n\n# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |", 3)
@example("a\n \nb", 1)
@example("a\r\rb", 1)
@example("x | y\n:--", 1)
def test_escaped_bodies_read_exactly_as_before(body, position):
    source = migration.escape(body)
    assert new_rendering(source, position) == old_rendering(body, position)


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.sampled_from(REPORT_LINES), min_size=1, max_size=6).map("\n".join))
def test_the_reverse_gives_back_the_text(body):
    assert migration.unescape(migration.escape(body)) == "\n".join(line.strip() for line in body.split("\n"))


def test_the_migration_rewrites_sections_with_one_history_row_each_and_reverses(db, make_user):
    business = committee_business(member_user=make_user("member"))
    section = business["section"]
    body = "1. Background\n- funded from the grant\n\nPlain paragraph."
    PaperSection.objects.filter(pk=section.pk).update(body=body)
    before = section.history.count()
    plain = PaperSection.objects.create(paper=section.paper, position=2, heading="Plain", body="Nothing to escape.")

    migration.forwards(apps, None)
    section.refresh_from_db()
    assert section.body == "1\\. Background\n\\- funded from the grant\n\nPlain paragraph."
    assert [block.number for block in section.blocks] == ["1.1", "1.2"]
    assert section.history.count() == before + 1
    latest = section.history.first()
    assert latest.body == section.body and latest.history_change_reason.startswith("Papers take markup")

    assert plain.history.count() == 1, "a body with nothing to escape is left alone, no history row"

    migration.backwards(apps, None)
    section.refresh_from_db()
    assert section.body == body
