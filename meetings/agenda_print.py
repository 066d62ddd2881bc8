"""How an agenda prints, as the partnership's agendas do: on the meeting page, the front sheets and the packs.

- Sections are the committee's own (CommitteeSection: letter and heading), the four defaults where it has none.
- A restricted item may sit in any section. In a restricted section (D, as a rule) the heading carries the
  exclusion statement; in an open section a run of restricted items prints under a "RESTRICTED ITEMS"
  sub-heading with the statement (at the end of section C, as older agendas have it).
- Everyone who may see the meeting sees every item's code and its listed title: the real title for an item they
  may read, otherwise `listed_title`: a restricted item's title unless the officer withheld it; a Domestic
  Homicide Review item's title never (its public title, set by a DHR-cleared user, or "Restricted item").
  Papers, minutes and the withheld title itself stay behind the item's restriction (meetings/access.py).
"""

from dataclasses import dataclass, field

from . import access

WITHHELD_TITLE = "Restricted item"
# The wording of the partnership's agendas (KCSP agenda of 14 July 2022, section D).
EXCLUSION_STATEMENT = "Meeting not open to the press and public and reports not for publication"
RESTRICTED_HEADING = "Restricted items"
OPEN_STATEMENT = "During these items the meeting is likely to be open to the public"


def listed_title(reason: str, withheld: bool, public_title: str, title: str) -> str:
    """The title printed for readers who may not see the item: `title` for an unrestricted one; for a restricted
    one its title unless withheld; for a DHR one only its `public_title` (else WITHHELD_TITLE)."""
    if not access.is_restricted(reason):
        return title
    if reason == access.DHR_REASON:
        return public_title or WITHHELD_TITLE
    return WITHHELD_TITLE if withheld else title


@dataclass
class ListedItem:
    """An item this reader may not open, listed by code and listed title only (no link, no papers)."""

    pk: int
    section: str
    position: int
    title: str
    kind: str = ""
    is_supplementary: bool = False
    is_restricted: bool = True
    listed_only: bool = True
    description: str = ""
    purpose: str = ""

    @property
    def code(self) -> str:
        return f"{self.section}{self.position}"


@dataclass
class ItemRun:
    """Consecutive items of a section that are all restricted or all not (a restricted run gets its heading)."""

    restricted: bool
    items: list


@dataclass
class PrintSection:
    letter: str
    title: str
    restricted: bool  # a restricted section: its heading carries the statement, its runs no sub-heading
    items: list
    runs: list[ItemRun] = field(default_factory=list)


def section_headings(committee) -> dict[str, tuple[str, bool]]:
    """{letter: (heading, restricted)} of the committee's sections, the defaults when it has none."""
    from .models.agenda_setup import DEFAULT_SECTIONS

    rows = [(s.letter, s.heading, s.restricted) for s in committee.agenda_sections.all()]
    return {letter: (heading, restricted) for letter, heading, restricted in rows or DEFAULT_SECTIONS}


def listed_items(meeting, exclude_ids) -> list[ListedItem]:
    """The meeting's items other than `exclude_ids`, by listed title only. Read as values, never as rows: a DHR
    item's row (and its title) is not loaded for a reader who may not see it (dhr/gate.py)."""
    from .models import AgendaItem

    rows = (
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(pk__in=list(exclude_ids))
        .values("pk", "section", "position", "kind", "is_supplementary", "restriction_reason", "title_withheld")
    )
    rows = list(rows)
    readable = [r["pk"] for r in rows if listed_title(r["restriction_reason"], r["title_withheld"], "", "T") == "T"]
    titles = dict(AgendaItem.objects.filter(pk__in=readable).values_list("pk", "title"))
    dhr = [r["pk"] for r in rows if r["restriction_reason"] == access.DHR_REASON]
    public = dict(AgendaItem.objects.filter(pk__in=dhr).values_list("pk", "public_title")) if dhr else {}
    return [
        ListedItem(
            pk=r["pk"],
            section=r["section"],
            position=r["position"],
            title=listed_title(
                r["restriction_reason"], r["title_withheld"], public.get(r["pk"], ""), titles.get(r["pk"], "")
            ),
            kind=r["kind"],
            is_supplementary=r["is_supplementary"],
            is_restricted=access.is_restricted(r["restriction_reason"]),
        )
        for r in rows
    ]


def _runs(items: list) -> list[ItemRun]:
    runs = []
    for item in items:
        if not runs or runs[-1].restricted != item.is_restricted:
            runs.append(ItemRun(item.is_restricted, []))
        runs[-1].items.append(item)
    return runs


def whole_restricted_letters(meeting) -> set[str]:
    """The letters of the meeting's sections in which every item is restricted (read as values: no rows)."""
    letters: dict[str, bool] = {}
    for letter, reason in meeting.items.values_list("section", "restriction_reason"):
        letters[letter] = letters.get(letter, True) and access.is_restricted(reason)
    return {letter for letter, restricted in letters.items() if restricted}


def print_sections(committee, items: list, restricted_letters: set[str] | None = None) -> list[PrintSection]:
    """`items` (rows or ListedItems, any order) by the committee's sections in letter order, each cut into runs;
    an item in a letter the committee no longer has still prints, under "Section X". A section is a restricted one
    when every item in it is restricted (of `items`, or given as `restricted_letters` when `items` are only part of
    the meeting's, as in the restricted pack); the committee's restricted sections hold only restricted items on
    agendas not yet held (agenda_setup), and a held agenda's open item keeps its section open in print."""
    headings = section_headings(committee)
    by_letter: dict[str, list] = {}
    for item in sorted(items, key=lambda i: (i.section, i.position)):
        by_letter.setdefault(item.section, []).append(item)
    sections = []
    for letter in sorted(by_letter):
        heading, _ = headings.get(letter, (f"Section {letter}", False))
        section_items = by_letter[letter]
        if restricted_letters is None:
            restricted = all(item.is_restricted for item in section_items)
        else:
            restricted = letter in restricted_letters
        sections.append(PrintSection(letter, heading, restricted, section_items, _runs(section_items)))
    return sections
