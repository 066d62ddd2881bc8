"""Print or download some pages of a pack: the reader's page list ("5-9, 23") read against the pack's own page
numbers, the form that asks for pages or items, and the PDF of just those pages (pikepdf, pages copied as built).
"""

import io
import re

import pikepdf
from django import forms
from django.core.exceptions import ValidationError

from kcsp.forms import GdsFormMixin

from .models import Pack, PackContent

FORMAT = "Enter pages like 5-9, 23"
MAX_TEXT = 200
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")  # hyphen, the Unicode dashes and minus, spaces around
_NUMBER = re.compile(r"^[0-9]{1,6}[A-Za-z]{0,2}$")  # what a page number looks like: 23, 23a


def pack_labels(pack: Pack, total: int) -> list[str]:
    """The pack's own page number of each of its `total` physical pages: Pack.page_labels, or "1".."N" for a
    pack built before issue 17 (an empty list)."""
    labels = list(pack.page_labels or [])
    return labels if len(labels) == total else [str(n) for n in range(1, total + 1)]


def pages_parse(text: str, labels: list[str]) -> list[int]:
    """The physical pages (0-based indexes into the file) a reader's list names, in pack order, each once.

    `text`: page numbers as printed at the foot of the pack's pages ("5-9, 23", "23a", "12–14"), separated by
    commas; a range takes every page from its first to its last in the pack, inserted pages ("7a") included.
    `labels`: the pack's page numbers, physical page by page (pack_labels). Case and spaces do not matter.
    Raises ValidationError naming the rule: "Enter pages like 5-9, 23" for a list that is not one (or a range
    that ends before it starts), "There is no page 400: this pack's pages are 1 to 212" for a number the pack
    does not have."""
    where = {label.lower(): index for index, label in enumerate(labels)}
    chosen = set()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{FORMAT}, in at most {MAX_TEXT} characters")
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        ends = _DASHES.split(part)
        if len(ends) > 2 or not all(end.lower() in where or _NUMBER.match(end) for end in ends):
            raise ValidationError(FORMAT)
        first, last = (_index(end, where, labels) for end in (ends[0], ends[-1]))
        if last < first:
            raise ValidationError(f"{FORMAT}: {part} ends before it starts")
        chosen.update(range(first, last + 1))
    return sorted(chosen)


def _index(label: str, where: dict, labels: list[str]) -> int:
    index = where.get(label.lower())
    if index is None:
        span = f"{labels[0]} to {labels[-1]}" if labels else "none"
        raise ValidationError(f"There is no page {label}: this pack's pages are {span}")
    return index


def pages_text(indexes: list[int], labels: list[str]) -> str:
    """The shortest list naming these physical pages by their labels ("5-9, 23"): pages_parse's inverse."""
    runs = []
    for index in sorted(set(indexes)):
        if runs and runs[-1][1] == index - 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ", ".join(labels[a] if a == b else f"{labels[a]}-{labels[b]}" for a, b in runs)


def pages_extract(pdf: bytes, indexes: list[int], labels: list[str]) -> bytes:
    """A PDF of the pages `indexes` (0-based, ascending: pages_parse's order) of `pdf`, exactly as built (marking
    included), with /PageLabels giving each page its pack number, so a viewer shows "Page 23" for the pack's
    page 23. The pages left out are deleted from the pack's own document, so what is kept stays tagged (its
    structure, title, language and bookmarks pruned to the pages kept: packbuild.keep_pages.structure_keep_pages)."""
    from .packbuild.keep_pages import structure_keep_pages

    keep = set(indexes)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if keep and max(keep) >= len(doc.pages):
            raise IndexError(f"The file has {len(doc.pages)} pages, not {max(keep) + 1}.")
        for index in range(len(doc.pages) - 1, -1, -1):
            if index not in keep:
                del doc.pages[index]
        structure_keep_pages(doc)
        nums = []
        for position, index in enumerate(sorted(keep)):
            nums += [position, pikepdf.Dictionary(P=pikepdf.String(labels[index]))]
        doc.Root.PageLabels = doc.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        buffer = io.BytesIO()
        doc.save(buffer, min_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()


def pack_page_parts(pack: Pack) -> list[PackContent]:
    """The parts of the pack a reader may pick whole: its agenda items that have pages, in pack order (or, in a
    pack recorded without item rows, every part that has pages)."""
    rows = [row for row in pack.contents.select_related("item") if row.first_page and row.last_page]
    items = [row for row in rows if row.what == PackContent.What.ITEM]
    return sorted(items or rows, key=lambda row: (row.first_page, row.pk))


class PackPagesForm(GdsFormMixin, forms.Form):
    """Pages by number, items by ticking, or both; `cleaned_data["indexes"]` is the physical pages, in order."""

    submit_label = "Get these pages (PDF)"
    pages = forms.CharField(
        label="Pages",
        required=False,
        max_length=MAX_TEXT,
        help_text="For example 5-9, 23. The numbers are the pack's own, at the foot of each page.",
        error_messages={"max_length": f"{FORMAT}, in at most {MAX_TEXT} characters"},
    )
    item = forms.MultipleChoiceField(
        label="Items",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every page of each item you tick.",
        error_messages={"invalid_choice": "Choose items from the list"},
    )

    def __init__(self, *args, labels: list[str], parts: list[PackContent], **kwargs):
        super().__init__(*args, **kwargs)
        # A GET form: its fields go into the address (history, logs, shared links), so no CSRF token and no named
        # button; templates/meetings/pack_pages.html writes the button.
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.inputs = []
        self.labels = labels
        self.parts = {str(row.pk): row for row in parts if row.last_page <= len(labels)}
        self.fields["item"].choices = [(key, self._part_label(row)) for key, row in self.parts.items()]
        if not self.parts:
            del self.fields["item"]

    def _part_label(self, row: PackContent) -> str:
        first, last = self.labels[row.first_page - 1], self.labels[row.last_page - 1]
        title = f"{row.label} {row.item.title}" if row.what == "item" and row.item else row.label
        return f"{title} (page {first})" if first == last else f"{title} (pages {first} to {last})"

    def clean_pages(self):
        text = self.cleaned_data["pages"].strip()
        self.page_indexes = pages_parse(text, self.labels) if text else []
        return text

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        chosen = set(getattr(self, "page_indexes", []))
        for key in cleaned.get("item", []):
            row = self.parts[key]
            chosen.update(range(row.first_page - 1, row.last_page))
        if not chosen:
            self.add_error("pages", "Choose pages or items to print")
            return cleaned
        cleaned["indexes"] = sorted(chosen)
        return cleaned
