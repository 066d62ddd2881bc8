"""A pack's page numbers: where each part sits, every page's label, and the page plan that keeps them (issue 17).

The rule: page numbers of a published pack never change, so "turn to page 23" means the same page for everyone,
on paper, in the downloaded PDF and in the reader.

- A draft's pack (its agenda not published: `Meeting.published_at` is None) is laid out compactly and not planned:
  the front sheet from page 1, each part starting on the next odd number (a blank page before it when needed).
- The first build after the agenda is published is laid out the same way and records its page plan.
- Every later build keeps each planned part's first page number:
  - a part that got shorter is padded with "This page is intentionally left blank" pages up to its old last number;
  - a part that got longer runs on past its old last number N as "Na", "Nb" … "Nz", "Naa" (PDF's lower-case
    letter labels), so no later page moves;
  - a part no longer in the pack (a paper deleted, moved to a restricted item, its item's restriction changed)
    leaves its numbers unused: the file skips them, blank page before it included, and the front sheet says which
    numbers are unused. The plan keeps its place: if it comes back it goes back there;
  - a part not in the plan (the notes of the last meeting appearing, an appendix added to a published paper, a
    restricted supplementary paper with its divider) goes after the highest number planned, on the next odd
    number, in agenda order, and joins the plan.
- The front sheet is the part "front" and follows the same rules (it keeps page 1; a longer one runs on to "1a").
- A plan belongs to one publication: it records `Meeting.published_at`, and a build for another publication (the
  agenda published again, with a new date published) starts a fresh plan.

`Pack.page_plan` (JSON): {"version": 1, "published_at": "<ISO 8601>", "parts": [{"key": "paper-12", "first": 3,
"pages": 4}, …]}, parts in page order; `first` is the page number of the part's first page and `pages` how many
numbered pages the part holds (its blank page before, if any, not counted). Keys are the pack parts' keys:
"front", "paper-<pk>", "appendix-<pk>", "item-<pk>" (the notes of the last meeting under that item),
"dhr-update-<item pk>" and "supplementary-divider". Packs of drafts hold {}.

`Pack.page_labels` lists the label of each page of the file in order: what its foot says after "Page ", and what
the file's /PageLabels number tree (`page_labels_write`) tells any PDF viewer, PDF.js included.
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pikepdf

FRONT = "front"
BLANK = ""  # the key of a blank page (before a part, or padding a part that got shorter)
PLAN_VERSION = 1
MAX_FRONT_SHEET_PASSES = 5


def suffix(n: int) -> str:
    """The n-th (1-based) lower-case letter label as PDF numbers them: a … z, aa … zz, aaa …"""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


@dataclass
class Layout:
    """The file's pages in order, each a (part key or BLANK, label) pair, the numbers left unused and the plan
    to save with the file."""

    sheets: list[tuple[str, str]]
    unused: list[tuple[int, int]]
    plan: dict

    @property
    def total(self) -> int:
        return len(self.sheets)

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.sheets]

    def physical(self, key: str) -> tuple[int, int] | None:
        """The part's first and last page of the file (1-based), its own pages only; None if it is not in it."""
        pages = [n for n, (sheet_key, _) in enumerate(self.sheets, start=1) if sheet_key == key]
        return (pages[0], pages[-1]) if pages else None

    def blocks(self) -> list[tuple[str, int]]:
        """Runs of the file in order: (part key or BLANK, how many pages)."""
        runs: list[tuple[str, int]] = []
        for key, _ in self.sheets:
            if runs and runs[-1][0] == key:
                runs[-1] = (key, runs[-1][1] + 1)
            else:
                runs.append((key, 1))
        return runs

    def pages_text(self, keys: Sequence[str]) -> str:
        """What the front sheet prints for the parts `keys` (an item's): "Page 5", "Pages 5 - 7" or, when other
        parts or unused numbers come between them, "Pages 5 - 7, 41 - 42"; "" when none is in the file."""
        spans = sorted(span for span in (self.physical(key) for key in keys) if span)
        runs: list[list[int]] = []
        for first, last in spans:
            if runs and self._joins(runs[-1][1], first):
                runs[-1][1] = max(runs[-1][1], last)
            else:
                runs.append([first, last])
        if not runs:
            return ""
        texts = [self._label_span(first, last) for first, last in runs]
        single = len(runs) == 1 and runs[0][0] == runs[0][1]
        return ("Page " if single else "Pages ") + ", ".join(texts)

    def _label_span(self, first: int, last: int) -> str:
        a, b = self.sheets[first - 1][1], self.sheets[last - 1][1]
        return a if first == last else f"{a} - {b}"

    def _joins(self, last: int, first: int) -> bool:
        """Whether only blank pages, and no unused numbers, come between two pages of the file (1-based)."""
        if any(key != BLANK for key, _ in self.sheets[last : first - 1]):
            return False
        low, high = _number(self.sheets[last - 1][1]), _number(self.sheets[first - 1][1])
        return not any(low < a and b < high for a, b in self.unused)

    def unused_text(self) -> list[str]:
        """The front sheet's lines on numbers left unused, e.g. "Pages 13 - 42"."""
        return [f"Page {a}" if a == b else f"Pages {a} - {b}" for a, b in self.unused]


def _number(label: str) -> int:
    digits = "".join(ch for ch in label if ch.isdigit())
    return int(digits) if digits else 0


def _compact(sizes: Sequence[tuple[str, int]], after: int, sheets: list) -> list[dict]:
    """Lay `sizes` out after page number `after`, each part on the next odd number; the plan rows they make."""
    number, rows = after, []
    for key, count in sizes:
        if number % 2 == 1:  # the next number is even: a left-hand page
            number += 1
            sheets.append((BLANK, str(number)))
        rows.append({"key": key, "first": number + 1, "pages": count})
        sheets.extend((key, str(number + n)) for n in range(1, count + 1))
        number += count
    return rows


def _planned(plan_parts: list[dict], size: dict[str, int], sheets: list, unused: list) -> int:
    """Lay the planned parts out where the plan put them; the highest number planned."""
    end = 0
    for part in sorted(plan_parts, key=lambda p: p["first"]):
        key, first, planned = part["key"], part["first"], part["pages"]
        last = first + planned - 1
        if key not in size:
            if unused and unused[-1][1] == end:
                unused[-1] = (unused[-1][0], last)
            else:
                unused.append((end + 1, last))
        else:
            sheets.extend((BLANK, str(n)) for n in range(end + 1, first))
            count = size[key]
            sheets.extend((key, str(first + n)) for n in range(min(count, planned)))
            sheets.extend((BLANK, str(n)) for n in range(first + count, last + 1))  # shorter: padded
            sheets.extend((key, f"{last}{suffix(n)}") for n in range(1, count - planned + 1))  # longer: run on
        end = max(end, last)
    return end


def plan_applies(plan: dict, published_at: str | None) -> bool:
    """Whether a stored plan is this publication's (see the module docstring)."""
    return bool(
        published_at and plan and plan.get("version") == PLAN_VERSION and plan.get("published_at") == published_at
    )


def page_layout(
    sizes: Sequence[tuple[str, int]], *, plan: dict | None = None, published_at: str | None = None
) -> Layout:
    """Where every part's pages go. `sizes` are (key, page count) in agenda order, the front sheet first;
    `published_at` (ISO 8601) is the meeting's publication (None for a draft: not planned); `plan` the stored one."""
    sheets: list[tuple[str, str]] = []
    unused: list[tuple[int, int]] = []
    if not published_at:
        _compact(sizes, 0, sheets)
        return Layout(sheets, unused, {})
    if not plan_applies(plan or {}, published_at):
        rows = _compact(sizes, 0, sheets)
        return Layout(sheets, unused, {"version": PLAN_VERSION, "published_at": published_at, "parts": rows})
    known = {part["key"] for part in plan["parts"]}
    end = _planned(plan["parts"], dict(sizes), sheets, unused)
    rows = _compact([(key, count) for key, count in sizes if key not in known], end, sheets)
    return Layout(sheets, unused, {**plan, "parts": [*plan["parts"], *rows]})


def lay_out(
    render_front_sheet: Callable[[Layout], bytes],
    sizes: Sequence[tuple[str, int]],
    *,
    plan: dict | None = None,
    published_at: str | None = None,
) -> tuple[bytes, Layout]:
    """Render the front sheet from the layout until its own length stops changing. `sizes` are the parts after
    the front sheet. RuntimeError if it never settles."""
    front_pages = 1
    for _ in range(MAX_FRONT_SHEET_PASSES):
        layout = page_layout([(FRONT, front_pages), *sizes], plan=plan, published_at=published_at)
        front = render_front_sheet(layout)
        with pikepdf.open(io.BytesIO(front)) as doc:
            actual = len(doc.pages)
        if actual == front_pages:
            return front, layout
        front_pages = actual
    raise RuntimeError("The front sheet's length did not settle.")


def _label_style(label: str) -> tuple[str, str, int]:
    """(style, prefix, value) of a label: "23" is decimal 23; "23b" is prefix "23", letters, value 2."""
    digits = label.rstrip("abcdefghijklmnopqrstuvwxyz")
    letters = label[len(digits) :]
    if digits.isdigit() and not letters:
        return "/D", "", int(digits)
    if digits.isdigit() and letters == letters[0] * len(letters):
        return "/a", digits, (len(letters) - 1) * 26 + ord(letters[0]) - ord("a") + 1
    return "", label, 0


def page_labels_tree(labels: Sequence[str]) -> list[tuple[int, str, str, int]]:
    """The /PageLabels ranges giving `labels`: (first page index, style, prefix, start), fewest ranges."""
    ranges: list[tuple[int, str, str, int]] = []
    previous = None
    for index, label in enumerate(labels):
        style, prefix, value = _label_style(label)
        if previous and style and previous[:2] == (style, prefix) and previous[2] + 1 == value:
            previous = (style, prefix, value)
            continue
        ranges.append((index, style, prefix, value))
        previous = (style, prefix, value)
    return ranges


def page_labels_write(doc: pikepdf.Pdf, labels: Sequence[str]) -> None:
    """Give `doc` a /PageLabels number tree saying `labels` (one per page), read by every PDF viewer."""
    nums = pikepdf.Array()
    for index, style, prefix, start in page_labels_tree(labels):
        entry = pikepdf.Dictionary()
        if style:
            entry.S = pikepdf.Name(style)
            if start != 1:
                entry.St = start
        if prefix:
            entry.P = pikepdf.String(prefix)
        nums.append(index)
        nums.append(entry)
    doc.Root.PageLabels = doc.make_indirect(pikepdf.Dictionary(Nums=nums))
