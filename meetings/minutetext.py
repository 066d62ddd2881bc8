"""A minute's text, as a clerk types it or pastes it from Word, parsed into the blocks the minute prints as.

The text is the BODY of a minute (what follows the "(Item B1)" line). `minute_blocks` returns JSON-ready blocks:

    {"kind": "paragraph", "number": 1, "paragraphs": ["Shafick Peerbux introduced the report ..."]}
    {"kind": "decision", "number": None, "wording": "RESOLVED that",
     "paragraphs": ["the Kent Community Safety Partnership"],
     "parts": [{"label": "(a)", "paragraphs": ["Consider and comment on ..."]}, ...]}

Rules (the partnership's printed form, as in the notes of 24 March 2022, minutes 51-60):

* Text is first normalised (`text_normalise`): Word's line ends, non-breaking and other spaces, tabs, zero-width
  characters and control characters are tidied; runs of spaces become one; Word's bullet glyphs at a line start
  (•, ◦, ▪, , "–", "—", "*" or "-" followed by a space) become the one bullet marker "- ".
* A number the clerk pasted at a line start ("1.", "1)", "(1)", "12.") starts a numbered paragraph. The number is
  recognised, not kept: paragraphs are renumbered 1, 2, 3 ... in order. An unmarked line after a blank line (or
  a bullet line outside a decision) starts a numbered paragraph too. An unmarked line straight after another
  line is a wrapped line and joins the paragraph (or part) with a space.
* A line starting with a decision wording (any case: the committee's own wording, "RESOLVED that", "RESOLVED:",
  "RESOLVED –", "RESOLVED", "AGREED that", "Agreed:", "It was RESOLVED that") starts a decision. The typed
  wording (repeated or followed by "that") is dropped and the decision prints with the committee's wording. After
  a pasted number ("9. RESOLVED that ...") the decision is a numbered paragraph and takes the next number.
* Inside a decision a line starting with a letter or roman marker ("a)", "(a)", "a.", "(aa)", "(i)", "iv)",
  "i." ..., perhaps after a bullet) or a bare bullet starts a part; parts are relabelled in order in the
  committee's label style ("(a)", "a)" or "(i)"), so a pasted "(a)" never prints twice.
  Letter or roman? "(i)" is read by context: it is a new part when it is the next label in the committee's
  style, the next letter (after "(h)") or the next roman numeral (after the 1st part for i, the 2nd for ii...);
  otherwise a roman marker that starts or continues a sub-list ("(i)", then "(ii)" ...) under a part that has
  text is a sub-item: it stays, as typed, on its own line of that part. So "(h) ... (i) ..." is parts (h), (i);
  "(b) ...: (i) ... (ii) ... (c) ..." is three parts, the second with two sub-items.
  A blank line then an unmarked line is a further paragraph of the decision's last part (or of the decision
  itself before any part). A decision ends only at a numbered line or at the next decision wording.
* Outside a decision a line starting with a letter marker is kept as typed: on a new line of the paragraph
  after a line, or as a new numbered paragraph after a blank line.
* A line that is only a link ("https://...", "<https://...>", "www....") goes on a new line ("\\n") of the
  paragraph or part before it, as real minutes put a link on its own line; the text after it goes on the next.
* Empty paragraphs and parts are dropped; a decision with no text still prints its wording.
Any text is accepted (nothing raises); empty text gives []. `blocks_text` writes blocks back as text that parses
to the same blocks with the same style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

DEFAULT_WORDING = "RESOLVED that"
LABEL_STYLES = (
    ("(a)", "(a), (b) … (z), (aa), (ab) …"),
    ("a)", "a), b) … z), aa), ab) …"),
    ("(i)", "(i), (ii), (iii), (iv) …"),
)
WORDINGS = ("RESOLVED that", "Agreed:", "RESOLVED:")
_STYLE_KEYS = tuple(key for key, _ in LABEL_STYLES)


@dataclass(frozen=True)
class Style:
    """How a committee prints decisions: its wording ("RESOLVED that") and its part labels (one of LABEL_STYLES)."""

    wording: str = DEFAULT_WORDING
    label_style: str = "(a)"


_ROMAN = ((900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"))
_ROMAN += ((9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_ROMAN_DIGITS = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa" (bijective base 26)."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def _roman(number: int) -> str:
    """Lower-case roman numeral of number >= 1; thousands beyond 3999 repeat "m"."""
    thousands, number = divmod(number, 1000)
    out = "m" * thousands
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        out += numeral * count
    return out


def _label_core(index: int, label_style: str) -> str:
    return _roman(index + 1) if label_style == "(i)" else _letters(index)


def part_label(index: int, label_style: str) -> str:
    """The label of the 0-based `index`th part: "(a)" style (a)…(z), (aa)…; "a)" style a)…; "(i)" style (i), (ii)….

    Raises ValueError for a negative index or a style not in LABEL_STYLES.
    """
    if not isinstance(index, int) or index < 0:
        raise ValueError(f"A part index is a whole number from 0, not {index!r}.")
    if label_style not in _STYLE_KEYS:
        raise ValueError(f"Part labels are styled {', '.join(_STYLE_KEYS)}, not {label_style!r}.")
    core = _label_core(index, label_style)
    return f"{core})" if label_style == "a)" else f"({core})"


def _letter_value(marker: str) -> int | None:
    """Letter markers' index: "a" -> 0, "z" -> 25, "aa" -> 26 ... for markers of up to three letters."""
    value = 0
    for char in marker:
        value = value * 26 + ord(char) - 96
    return value - 1 if 1 <= len(marker) <= 3 else None


def _roman_value(marker: str) -> int | None:
    """A roman marker's value: "iv" -> 4 for a roman numeral written as `_roman` writes it, else None."""
    if not marker or any(char not in _ROMAN_DIGITS for char in marker):
        return None
    values = [_ROMAN_DIGITS[char] for char in marker]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if total >= 1 and _roman(total) == marker else None


# Normalising: line separators are str.splitlines'; spaces are every Unicode space separator and the tab.
_SPACES = re.compile("[\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u00ad\u200b\u200c\u2060\ufeff]")
_BULLET = re.compile("(?:[•◦▪▫●○■□►▸▹▶➢➤⁃∙·\uf0a7\uf0b7\uf0d8\uf076\uf0fc] ?|[-–—‐‑‒−*](?: |$))")


def text_normalise(text: str) -> str:
    """The text with LF line ends, single spaces, no control or zero-width characters, "- " for any bullet glyph
    at a line start, no trailing spaces, at most one blank line in a row and none at either end. None -> ""."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    lines: list[str] = []
    for raw in text.splitlines():
        line = _SPACES.sub(" ", _JUNK.sub("", raw)).strip()
        bullet = _BULLET.match(line)
        if bullet:
            line = ("- " + line[bullet.end() :].lstrip()).rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# Lexing one normalised line.
_NUMBER = re.compile(r"(?:\(([0-9]{1,3})\)|([0-9]{1,3})[.)])(?= |$)")
_PART = re.compile(r"(?:\(([A-Za-z]{1,12})\)|([A-Za-z]{1,12})\)|([a-z]{1,12})\.)(?= |$)")
_URL_LINE = re.compile(r"<?((?:https?://|www\.)\S+?)>?")
_AFTER_WORDING = re.compile(r"[:;,.–—-]|that\b", re.I)
_BUILTIN_WORDINGS = (r"(?:it\s+was\s+)?resolved\b", r"(?:it\s+was\s+)?agreed(?=\s*[:;,.–—-]|\s+that\b)")


@lru_cache(maxsize=64)
def _wording_pattern(wording: str) -> re.Pattern:
    """Matches a typed decision wording at a line start: the committee's own, then the usual ones."""
    # A committee wording that reads as a part label ("(a) ...") would hide the parts: only the usual ones are read.
    usable = wording.split() and not _part_marker(wording)
    own = [r"\s+".join(re.escape(word) for word in wording.split())] if usable else []
    alternatives = "|".join([*own, *_BUILTIN_WORDINGS])
    return re.compile(rf"(?:{alternatives})(?:\s*[:;,.–—-])?(?:\s+that\b)?(?:(?<=\w)(?!\w)|(?<!\w))", re.I)


def _strip_wordings(line: str, pattern: re.Pattern) -> tuple[bool, str]:
    """(whether the line starts with a wording, the line without it: repeats, stray "that"s and dashes included)."""
    found = False
    while (match := pattern.match(line) or (found and _AFTER_WORDING.match(line))) and match.end():
        found, line = True, line[match.end() :].lstrip()
    return found, line


def _part_marker(line: str) -> tuple[str, int] | None:
    """(lower-case letters, end) of a part marker at the line start: up to 3 letters ("a." up to 2) or roman."""
    if part := _PART.match(line):
        marker = next(group for group in part.groups() if group).lower()
        if (len(marker) <= (2 if part.group(3) else 3)) or _roman_value(marker):
            return marker, part.end()
    return None


def _number_marker(line: str) -> tuple[int, int] | None:
    """(number, end) of a pasted paragraph number at the line start."""
    if number := _NUMBER.match(line):
        return int(number.group(1) or number.group(2)), number.end()
    return None


def _lex(line: str, pattern: re.Pattern, next_number: int) -> tuple[str, str, str, str, bool]:
    """(kind, rest after its marker, line without bullet, letter marker, bullet) of one non-blank normalised line.

    Kinds: "number", "numbered_decision", "decision", "part", "bullet", "url", "text". A number typed twice
    ("1. 1.", or the number the paragraph will print with, `next_number`) is read once.
    """
    bullet = line == "-" or line.startswith("- ")
    if bullet:
        line = line[2:]
    if number := _number_marker(line):
        rest = line[number[1] :].lstrip()
        while (again := _number_marker(rest)) and again[0] in (number[0], next_number):
            rest = rest[again[1] :].lstrip()
        found, rest = _strip_wordings(rest, pattern)
        return ("numbered_decision" if found else "number"), rest, line, "", bullet
    found, rest = _strip_wordings(line, pattern)
    if found:
        return "decision", rest, line, "", bullet
    if part := _part_marker(line):
        return "part", line[part[1] :].lstrip(), line, part[0], bullet
    if bullet:
        return "bullet", line, line, "", bullet
    if url := _URL_LINE.fullmatch(line):
        return "url", url.group(1), line, "", bullet
    return "text", line, line, "", bullet


def _append_line(paragraphs: list[str], line: str) -> None:
    paragraphs[-1] = f"{paragraphs[-1]}\n{line}" if paragraphs[-1] else line


def _join(paragraphs: list[str], line: str) -> None:
    """A wrapped line joins with a space; after a line that is only a link it goes on a line of its own."""
    last = paragraphs[-1]
    if last and _URL_LINE.fullmatch(last.rsplit("\n", 1)[-1]):
        paragraphs[-1] = f"{last}\n{line}"
    else:
        paragraphs[-1] = f"{last} {line}" if last else line


def _is_sub_item(marker: str, index: int, host_sub: int, label_style: str) -> bool:
    """Whether `marker`, met where part `index` (0-based) would come next, is a roman sub-item of the last part."""
    value = _roman_value(marker)
    if value is None or marker == _label_core(index, label_style):
        return False  # the committee's own next label is always a part
    if host_sub and value == host_sub + 1:
        return True  # continues the sub-list
    return value == 1 and _letter_value(marker) != index and index != 0  # "i" after "h" is the letter i


def _feed(blocks: list[dict], token: tuple, blank: bool, label_style: str) -> None:
    """Adds one lexed line to the blocks being built (see the module docstring for the rules)."""
    kind, rest, text, marker, bullet = token
    if kind in ("number", "numbered_decision", "decision"):
        block_kind = "paragraph" if kind == "number" else "decision"
        blocks.append({"kind": block_kind, "numbered": kind != "decision", "paragraphs": [rest], "parts": []})
        return
    current = blocks[-1] if blocks else None
    if current is None:
        blocks.append({"kind": "paragraph", "numbered": True, "paragraphs": [text if kind == "part" else rest]})
        return
    in_decision = current["kind"] == "decision"
    if in_decision and kind in ("part", "bullet"):
        parts = current["parts"]
        host = parts[-1] if parts and any(parts[-1]["paragraphs"]) else None
        index = len(parts) if host or not parts else len(parts) - 1
        if kind == "part" and host and _is_sub_item(marker, index, host["sub"], label_style):
            host["sub"] = _roman_value(marker)
            _append_line(host["paragraphs"], text)
            return
        if parts and host is None:
            parts.pop()  # an empty part gives way to the next
        repeats = (marker, _label_core(index, label_style))  # "(a) a)": the label typed twice is read once
        while kind == "part" and (again := _part_marker(rest)) and again[0] in repeats:
            rest = rest[again[1] :].lstrip()
        parts.append({"paragraphs": [rest], "sub": 0})
        return
    target = current["parts"][-1]["paragraphs"] if in_decision and current["parts"] else current["paragraphs"]
    if kind == "url":
        _append_line(target, rest)
    elif kind == "bullet" or (kind == "part" and (blank or bullet)):
        blocks.append({"kind": "paragraph", "numbered": True, "paragraphs": [text if kind == "part" else rest]})
    elif kind == "part":
        _append_line(target, text)
    elif not blank:
        _join(target, rest)
    elif not target[-1]:
        target[-1] = rest
    elif in_decision:
        target.append(rest)
    else:
        blocks.append({"kind": "paragraph", "numbered": True, "paragraphs": [rest]})


def minute_blocks(text: str, style: Style = Style()) -> list[dict]:  # noqa: B008  (frozen, so safe to share)
    """The blocks a minute's body text prints as (shapes and rules in the module docstring). Never raises.

    An unknown `style.label_style` is read as "(a)"; a blank `style.wording` as "RESOLVED that".
    """
    label_style = getattr(style, "label_style", "(a)")
    label_style = label_style if label_style in _STYLE_KEYS else "(a)"
    wording = " ".join(str(getattr(style, "wording", "") or "").split()) or DEFAULT_WORDING
    pattern = _wording_pattern(wording)
    blocks: list[dict] = []
    blank, numbered, counted = True, 0, 0  # paragraph numbers given to blocks[:counted], which are complete
    for line in text_normalise(text).split("\n"):
        if not line:
            blank = True
            continue
        last = blocks[-1] if blocks else None
        last_number = bool(last and last["numbered"] and (last["kind"] == "decision" or any(last["paragraphs"])))
        _feed(blocks, _lex(line, pattern, numbered + last_number + 1), blank, label_style)
        while counted < len(blocks) - 1:
            block = blocks[counted]
            numbered += block["numbered"] and (block["kind"] == "decision" or any(block["paragraphs"]))
            counted += 1
        blank = False
    out: list[dict] = []
    number = 0
    for block in blocks:
        paragraphs = [p for p in block["paragraphs"] if p]
        if block["kind"] == "paragraph":
            if paragraphs:
                number += 1
                out.append({"kind": "paragraph", "number": number, "paragraphs": paragraphs})
            continue
        parts = [kept for part in block["parts"] if (kept := [p for p in part["paragraphs"] if p])]
        parts = [{"label": part_label(i, label_style), "paragraphs": p} for i, p in enumerate(parts)]
        number += block["numbered"]
        decision = {"kind": "decision", "number": number if block["numbered"] else None, "wording": wording}
        out.append({**decision, "paragraphs": paragraphs, "parts": parts})
    return out


def _reads_back(line: str, pattern: re.Pattern, kind: str, rest: str) -> bool:
    normal = text_normalise(line)
    return "\n" not in normal and _lex(normal, pattern, 0)[:2] == (kind, rest)


def _wrap(leads: list[tuple[str, str]], text: str, pattern: re.Pattern) -> str:
    """`text` (one line of a paragraph) after the first of `leads` (text before it, kind of line) that reads back.

    Text that joined wrapped lines may start with a decision wording ("It" + "was RESOLVED that ..."): it is then
    broken again into wrapped lines that each read back as text."""
    words = text.split(" ") if text else []

    @cache
    def wrapped(i: int) -> tuple[str, ...] | None:  # words[i:] as wrapped text lines, or None
        for j in range(len(words), i, -1):
            segment = " ".join(words[i:j])
            unlinked = j == len(words) or not _URL_LINE.fullmatch(segment)  # a link alone keeps its own line
            if unlinked and _reads_back(segment, pattern, "text", segment) and (tail := wrapped(j)) is not None:
                return (segment, *tail)
        return () if i == len(words) else None

    for lead, kind in leads:
        for j in range(len(words), -1 if lead.strip() else 0, -1):
            segment = " ".join(words[:j])
            line = f"{lead}{segment}".strip()
            unlinked = j == len(words) or not _URL_LINE.fullmatch(segment)
            if unlinked and _reads_back(line, pattern, kind, segment) and (tail := wrapped(j)) is not None:
                return "\n".join((line, *tail))
    return f"{leads[0][0]}{text}".strip()


def _paragraph_text(leads: list[tuple[str, str]], paragraph: str, pattern: re.Pattern) -> str:
    """A paragraph as lines: the first after a lead, then its own lines (links, sub-items, text after a link)."""
    first, *others = str(paragraph).split("\n")
    lines = [_wrap(leads, first, pattern)]
    for line in others:
        keep = line and _lex(line, pattern, 0)[0] in ("url", "part")
        lines.append(line if keep else _wrap([("", "text")], line, pattern))
    return "\n".join(lines)


def blocks_text(blocks: list[dict], style: Style | None = None) -> str:
    """Blocks as canonical text ("1. ...", "RESOLVED that ...", "(a) ...", a blank line between each), such that
    minute_blocks(blocks_text(b), style) == b for blocks b that minute_blocks made with that style. The style's
    wording defaults to the first decision's."""
    blocks = [block for block in blocks or [] if isinstance(block, dict)]
    decisions = [block.get("wording") for block in blocks if block.get("kind") == "decision"]
    wording = style.wording if style else (decisions[0] if decisions else DEFAULT_WORDING)
    pattern = _wording_pattern(" ".join(str(wording or "").split()) or DEFAULT_WORDING)
    text_lead = [("", "text")]
    chunks: list[str] = []
    for block in blocks:
        paragraphs = [str(p) for p in block.get("paragraphs") or []]
        number = block.get("number")
        prefix = f"{number}. " if number is not None else ""
        if block.get("kind") == "decision":
            kind = "numbered_decision" if prefix else "decision"
            own = " ".join(str(block.get("wording") or "").split())
            leads = [(f"{prefix}{w} ", kind) for w in (own, DEFAULT_WORDING) if w]
            chunks.append(_paragraph_text(leads, paragraphs[0] if paragraphs else "", pattern))
            chunks.extend(_paragraph_text(text_lead, p, pattern) for p in paragraphs[1:])
            for part in block.get("parts") or []:
                part_paragraphs = [str(p) for p in part.get("paragraphs") or []] or [""]
                lead = [(f"{part.get('label', '-')} ", "part")]
                chunks.append(_paragraph_text(lead, part_paragraphs[0], pattern))
                chunks.extend(_paragraph_text(text_lead, p, pattern) for p in part_paragraphs[1:])
        elif paragraphs:
            chunks.append(_paragraph_text([(prefix or "1. ", "number")], paragraphs[0], pattern))
            chunks.extend(_paragraph_text(text_lead, p, pattern) for p in paragraphs[1:])
    return "\n\n".join(chunks)


_LINK = re.compile(r"(?<!\w)https://[^\s<>\"'`]+", re.I)
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    """The URL without trailing punctuation; a closing bracket stays when the URL opened one ("…/Kent_(county)")."""
    while url:
        last = url[-1]
        unbalanced = last in _CLOSERS and url.count(_CLOSERS[last]) < url.count(last)
        if last in ".,;:!?*" or unbalanced:
            url = url[:-1]
        else:
            break
    return url


def links_html(text: str) -> SafeString:
    """The text HTML-escaped, each https:// URL a GOV.UK link (no other scheme is linked), newlines as <br>."""
    text = ("" if text is None else str(text)).replace("\r\n", "\n").replace("\r", "\n")
    pieces: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        url = _trim_url(match.group())
        if len(url) <= len("https://"):
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(format_html('<a class="govuk-link" href="{}">{}</a>', url, url))
        position = match.start() + len(url)
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces).replace("\n", "<br>"))  # noqa: S308 - every piece escaped above
