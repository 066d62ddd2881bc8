"""The minute text parser: real minutes of 24 March 2022 parse to the blocks they print as; pasted numbers, labels
and wordings are recognised, never doubled; any text is accepted and the canonical text reads back the same."""

import json

import pytest
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.minutetext import (
    LABEL_STYLES,
    WORDINGS,
    Style,
    blocks_text,
    links_html,
    minute_blocks,
    part_label,
    text_normalise,
)
from meetings.templatetags.minutes import minute_links

STYLE = Style()

# Minute 52 of the notes of 24 March 2022 as the reference copy has it (shortened sentences kept verbatim).
MINUTE_52 = """1. Shafick Peerbux introduced the report of the Kent Community Safety Agreement review and refresh.
2. Ms Brinson advised that there had been a number of minor changes within the document.
3. Ms Brinson responded to questions and there were discussions over whether VAWG and DA should be separated.

RESOLVED that the Kent Community Safety Partnership

- a) Consider and comment on the proposed changes to the refreshed Kent Community Safety Agreement.

b) Agree the priorities and cross-cutting themes for 2022/23 taking into account the comments about VAWG and DA.

c) Note the upcoming Scrutiny Committee arrangements.
"""

LINK = (
    "https://www.kent.gov.uk/about-the-council/partnerships/kent-community-safety-partnership/domestic-homicide-reviews"
)
MINUTE_58 = f"""1. Mr Peerbux provided an update on the Kent and Medway Domestic Homicide Review (DHR) cases which
can be found on the kent.gov website using the link below.

<{LINK}>

2. Mr Peerbux confirmed that whilst there is a funding model in place, there is a risk to the model.

RESOLVED that the domestic homicide review update be noted.
"""


def paragraph(number, *paragraphs):
    return {"kind": "paragraph", "number": number, "paragraphs": list(paragraphs)}


def decision(*paragraphs, parts=(), number=None, wording="RESOLVED that", style="(a)"):
    labelled = [{"label": part_label(i, style), "paragraphs": list(p)} for i, p in enumerate(parts)]
    return {"kind": "decision", "number": number, "wording": wording, "paragraphs": list(paragraphs), "parts": labelled}


def test_minute_52_parses_to_its_printed_form():
    assert minute_blocks(MINUTE_52, STYLE) == [
        paragraph(1, "Shafick Peerbux introduced the report of the Kent Community Safety Agreement review and "
                  "refresh."),
        paragraph(2, "Ms Brinson advised that there had been a number of minor changes within the document."),
        paragraph(3, "Ms Brinson responded to questions and there were discussions over whether VAWG and DA should be "
                  "separated."),
        decision(
            "the Kent Community Safety Partnership",
            parts=[
                ["Consider and comment on the proposed changes to the refreshed Kent Community Safety Agreement."],
                ["Agree the priorities and cross-cutting themes for 2022/23 taking into account the comments about "
                 "VAWG and DA."],
                ["Note the upcoming Scrutiny Committee arrangements."],
            ],
        ),
    ]  # fmt: skip


def test_minute_58_keeps_the_link_on_its_own_line_inside_paragraph_1():
    blocks = minute_blocks(MINUTE_58, STYLE)
    assert blocks[0] == paragraph(
        1,
        "Mr Peerbux provided an update on the Kent and Medway Domestic Homicide Review (DHR) cases which can be "
        f"found on the kent.gov website using the link below.\n{LINK}",
    )
    assert [b["number"] for b in blocks] == [1, 2, None]
    assert blocks[2] == decision("the domestic homicide review update be noted.")
    html = links_html(blocks[0]["paragraphs"][0])
    assert f'below.<br><a class="govuk-link" href="{LINK}">{LINK}</a>' in html


def test_pasted_numbers_and_labels_are_recognised_not_doubled():
    text = "1. 1. 1st\n1. 2nd\n7) 3rd\n(12) 4th\n\nRESOLVED that\n(a) a) first\n(b) second\nc) third\n(z) fourth"
    blocks = minute_blocks(text, STYLE)
    assert [b["number"] for b in blocks] == [1, 2, 3, 4, None]
    assert [b["paragraphs"] for b in blocks[:4]] == [["1st"], ["2nd"], ["3rd"], ["4th"]]
    parts = blocks[4]["parts"]
    assert [p["label"] for p in parts] == ["(a)", "(b)", "(c)", "(d)"]
    assert [p["paragraphs"][0] for p in parts] == ["first", "second", "third", "fourth"]
    text_out = blocks_text(blocks)
    assert "1. 1." not in text_out and "(a) (a)" not in text_out and "(b) b)" not in text_out


def test_typed_wording_is_not_doubled_and_prints_in_the_committee_wording():
    for typed in ("RESOLVED that RESOLVED that", "resolved:", "RESOLVED –", "RESOLVED", "AGREED that", "Agreed:",
                  "It was RESOLVED that", "RESOLVED: that", "Agreed: RESOLVED that"):  # fmt: skip
        blocks = minute_blocks(f"{typed} the update be noted.", Style(wording="Agreed:"))
        assert blocks == [decision("the update be noted.", wording="Agreed:")], typed
        assert blocks_text(blocks) == "Agreed: the update be noted."
    assert minute_blocks("Decided, the KCSP note it.", Style(wording="Decided,")) == [
        decision("the KCSP note it.", wording="Decided,")
    ]
    # "Agreed" alone opens ordinary sentences, so it is not a wording.
    assert minute_blocks("Agreed actions were reviewed.", STYLE) == [paragraph(1, "Agreed actions were reviewed.")]


def test_a_line_of_spaces_is_a_paragraph_break_and_wrapped_lines_join():
    text = "First line\nwrapped on.\n   \t \u00a0\nSecond paragraph."
    assert minute_blocks(text, STYLE) == [paragraph(1, "First line wrapped on."), paragraph(2, "Second paragraph.")]


def test_a_wrapped_line_inside_a_part_stays_in_it_and_a_later_paragraph_joins_the_last_part():
    text = "RESOLVED that the KCSP:\n(a) note the report\nand its appendix;\n(b) agree the plan.\n\nIt was noted."
    assert minute_blocks(text, STYLE) == [
        decision("the KCSP:", parts=[["note the report and its appendix;"], ["agree the plan.", "It was noted."]])
    ]
    text = "RESOLVED that the KCSP note the report.\n\nA further paragraph of the decision."
    assert minute_blocks(text, STYLE) == [decision("the KCSP note the report.", "A further paragraph of the decision.")]


def test_a_numbered_decision_takes_the_next_number_and_numbering_continues():
    discussion = "\n".join(f"{n}. Paragraph {n}." for n in range(1, 9))
    text = f"{discussion}\n9. RESOLVED that the report be noted.\n10. The Chairman thanked officers."
    blocks = minute_blocks(text, STYLE)
    assert blocks[8] == decision("the report be noted.", number=9)
    assert blocks[9] == paragraph(10, "The Chairman thanked officers.")
    # A pasted number out of step is renumbered in order.
    assert [b["number"] for b in minute_blocks("4. One.\n9. RESOLVED that x.\n2. Two.", STYLE)] == [1, 2, 3]


def test_forty_parts_are_lettered_a_to_an():
    text = "RESOLVED that the KCSP\n" + "\n".join(f"- part {n}" for n in range(40))
    parts = minute_blocks(text, STYLE)[0]["parts"]
    labels = [p["label"] for p in parts]
    assert labels[:3] == ["(a)", "(b)", "(c)"] and labels[25:28] == ["(z)", "(aa)", "(ab)"] and labels[-1] == "(an)"
    assert [p["paragraphs"] for p in parts][39] == ["part 39"]
    pasted = "RESOLVED that the KCSP\n" + "\n".join(f"{part_label(n, 'a)')} part {n}" for n in range(40))
    assert minute_blocks(pasted, STYLE) == minute_blocks(text, STYLE)


@pytest.mark.parametrize(
    ("index", "style", "label"),
    [
        (0, "(a)", "(a)"), (25, "(a)", "(z)"), (26, "(a)", "(aa)"), (51, "(a)", "(az)"), (52, "(a)", "(ba)"),
        (701, "(a)", "(zz)"), (702, "(a)", "(aaa)"), (0, "a)", "a)"), (27, "a)", "ab)"), (0, "(i)", "(i)"),
        (3, "(i)", "(iv)"), (8, "(i)", "(ix)"), (39, "(i)", "(xl)"), (1998, "(i)", "(mcmxcix)"),
        (3998, "(i)", "(mmmcmxcix)"), (4999, "(i)", "(mmmmm)"),
    ],
)  # fmt: skip
def test_part_labels(index, style, label):
    assert part_label(index, style) == label


def test_part_label_refuses_bad_styles_and_indexes():
    with pytest.raises(ValueError):
        part_label(0, "A.")
    with pytest.raises(ValueError):
        part_label(-1, "(a)")


def test_i_after_h_is_a_letter_otherwise_a_roman_sub_list():
    letters = "RESOLVED that\n" + "\n".join(f"({c}) item {c}" for c in "abcdefghij")
    parts = minute_blocks(letters, STYLE)[0]["parts"]
    assert [p["label"] for p in parts][7:] == ["(h)", "(i)", "(j)"]
    assert parts[8]["paragraphs"] == ["item i"]
    nested = "RESOLVED that the KCSP\n(a) note it;\n(b) agree:\n(i) the plan;\n(ii) the budget;\n(c) review it."
    parts = minute_blocks(nested, STYLE)[0]["parts"]
    assert [p["paragraphs"] for p in parts] == [
        ["note it;"], ["agree:\n(i) the plan;\n(ii) the budget;"], ["review it."]
    ]  # fmt: skip
    # A pasted roman list is the parts themselves, relabelled in the committee's style.
    roman = "RESOLVED that\n(i) one\n(ii) two\n(iii) three\n(iv) four"
    assert [p["label"] for p in minute_blocks(roman, STYLE)[0]["parts"]] == ["(a)", "(b)", "(c)", "(d)"]
    assert [p["label"] for p in minute_blocks(roman, Style(label_style="(i)"))[0]["parts"]] == [
        "(i)", "(ii)", "(iii)", "(iv)"
    ]  # fmt: skip


def test_several_decisions_and_a_number_ends_a_decision():
    text = "RESOLVED that the report be noted.\nRESOLVED that\na) x\nb) y\n3. Mr Harper spoke.\n\nMore."
    assert minute_blocks(text, STYLE) == [
        decision("the report be noted."),
        decision(parts=[["x"], ["y"]]),
        paragraph(1, "Mr Harper spoke."),
        paragraph(2, "More."),
    ]


def test_word_paste_with_nbsp_tabs_bullets_and_crlf():
    text = (
        "\r\n\r\n1.\tMr\u00a0Powell gave Members an update\u200b.\r\n\r\n\r\n\r\n2.\u2003Mr Powell advised.\r\n"
        "RESOLVED\u00a0that the KCSP:\r\n\uf0b7\tnote the findings;\r\n•\u00a0b)\tendorse the priorities;\r\n"
        "\u2013 (c) agree\x0bthe responses.\r\n  \r\n"
    )
    assert text_normalise(text) == (
        "1. Mr Powell gave Members an update.\n\n2. Mr Powell advised.\nRESOLVED that the KCSP:\n- note the findings;"
        "\n- b) endorse the priorities;\n- (c) agree\nthe responses."
    )
    assert minute_blocks(text, STYLE) == [
        paragraph(1, "Mr Powell gave Members an update."),
        paragraph(2, "Mr Powell advised."),
        decision("the KCSP:", parts=[["note the findings;"], ["endorse the priorities;"], ["agree the responses."]]),
    ]


def test_canonical_text_rewraps_a_paragraph_that_would_read_as_a_decision():
    blocks = minute_blocks("It\nwas RESOLVED that this is one paragraph.\n\nRESOLVED THAT\nTHAT is noted.", STYLE)
    assert blocks == [paragraph(1, "It was RESOLVED that this is one paragraph."), decision("THAT is noted.")]
    assert blocks_text(blocks) == "1. It\nwas RESOLVED that this is one paragraph.\n\nRESOLVED that\nTHAT is noted."


def test_empty_text_and_markers_alone_give_nothing():
    for text in ("", "   ", "\n\n\t\n", "\u00a0", "1.", "-", "•\n\n(3)"):
        assert minute_blocks(text, STYLE) == [], repr(text)
    assert minute_blocks(None, STYLE) == []


def test_links_html_escapes_and_links_only_https():
    html = links_html('<script>alert("x")</script> see https://example.org/a?b=1&c=<2>.')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a class="govuk-link" href="https://example.org/a?b=1&amp;c=">https://example.org/a?b=1&amp;c=</a>' in html
    for text in ("javascript:alert(1)", "http://example.org", "data:text/html,<b>x</b>", "www.example.org",
                 "JAVASCRIPT://https", "https://"):  # fmt: skip
        assert "<a " not in links_html(text), text
    assert links_html("(see https://en.wikipedia.org/wiki/Kent_(county)).") == (
        '(see <a class="govuk-link" href="https://en.wikipedia.org/wiki/Kent_(county)">'
        "https://en.wikipedia.org/wiki/Kent_(county)</a>)."
    )
    assert links_html("a\r\nb") == "a<br>b"
    assert minute_links("x\n<b>") == "x<br>&lt;b&gt;"


def test_the_page_and_pdf_includes_render_forty_parts():
    text = "1. Intro with https://example.org/x.\n9. RESOLVED that the KCSP\n" + "\n".join(
        f"({part_label(n, '(a)')[1:-1]}) part <{n}>" for n in range(40)
    )
    blocks = minute_blocks(text, STYLE)
    page = render_to_string("meetings/includes/minute_body.html", {"blocks": blocks})
    assert '<span class="kcsp-minute-number govuk-!-font-weight-bold">2.</span> <strong>RESOLVED that</strong>' in page
    assert '<span class="kcsp-minute-label">(an)</span> part &lt;39&gt;' in page
    assert '<a class="govuk-link" href="https://example.org/x">' in page and page.count("<li>") == 40
    pdf = render_to_string("meetings/pdf/includes/minute_body.html", {"blocks": blocks})
    assert '<p class="numbered">(an)&emsp;part &lt;39&gt;</p>' in pdf
    assert '<p class="numbered">2.&emsp;<strong>RESOLVED that</strong> the KCSP</p>' in pdf


# Property tests: lines built from the markers a clerk pastes, and any text at all.
PIECES = st.sampled_from(
    ["1.", "(2)", "12)", "9.", "RESOLVED that", "Agreed:", "It was RESOLVED that", "resolved –", "a)", "(b)", "h)",
     "i)", "(i)", "(ii)", "iii.", "(aa)", "c.", "- ", "• ", "– ", "\u00a0", "\t", "https://x.org/a).", "<https://y>",
     "www.z", "word", "that", "the KCSP", "\u200b", "\uf0b7", "", " "]
)  # fmt: skip
LINES = st.lists(st.lists(PIECES, max_size=4).map(" ".join), max_size=12).map("\n".join)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)
TEXTS = st.one_of(LINES, ANY_TEXT, st.lists(st.one_of(LINES, ANY_TEXT), max_size=3).map("\r\n".join))
STYLES = st.builds(Style, wording=st.sampled_from(WORDINGS), label_style=st.sampled_from([k for k, _ in LABEL_STYLES]))
PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(text=TEXTS, wording=st.one_of(st.sampled_from(WORDINGS), ANY_TEXT), label_style=st.text(max_size=4))
def test_any_text_and_any_style_parse_without_error_to_json(text, wording, label_style):
    blocks = minute_blocks(text, Style(wording=wording, label_style=label_style))
    assert json.loads(json.dumps(blocks)) == blocks
    style = Style(wording=wording, label_style=label_style)
    assert minute_blocks(blocks_text(blocks, style), style) == blocks
    for block in blocks:
        assert all(p and p == p.strip() for p in block["paragraphs"])
    links_html(text)


@PROPERTY
@given(text=TEXTS, style=STYLES)
def test_canonical_text_reads_back_to_the_same_blocks(text, style):
    blocks = minute_blocks(text, style)
    canonical = blocks_text(blocks)
    assert minute_blocks(canonical, style) == blocks
    assert blocks_text(minute_blocks(canonical, style)) == canonical
    assert text_normalise(text_normalise(text)) == text_normalise(text)
