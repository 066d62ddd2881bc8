"""Quorum of a meeting and of each item: the terms of reference's rule, less those with a disqualifying interest.

The rule (KCSP terms of reference, reference paper 003: "A meeting will be regarded as quorate if no less than 4
of the responsible authorities are represented"; the DHR Steering Group counts members from different
organisations): quorum counts ORGANISATIONS, not people. For one agenda item, an organisation counts if at least
one of its representatives present (as member or substitute) has not declared a pecuniary or other disqualifying
interest in that item (or in the meeting as a whole): a member with such an interest takes no part in the item
and leaves its quorum, but a colleague from the same organisation still represents it. An "other" interest that
does not disqualify leaves the count alone.
"""

from dataclasses import dataclass

from django.db.models import Q

from kcsp.models import Organisation

from .models import Attendance, Committee, Declaration, Meeting


@dataclass(frozen=True)
class Quorum:
    """`counted`: names of the organisations counted, sorted; `required`: how many the rule needs."""

    required: int
    counted: list[str]
    rule: str
    left_out: tuple[str, ...] = ()  # people out of this item's quorum by their declared interest
    unrecorded: tuple[str, ...] = ()  # people present whose organisation is not recorded: they cannot be counted

    @property
    def is_quorate(self) -> bool:
        return len(self.counted) >= self.required

    @property
    def is_known(self) -> bool:
        """Not quorate is a finding only when everyone present has their organisation recorded: otherwise the
        clerk is asked to record them, and nothing is printed in the minutes."""
        return self.is_quorate or not self.unrecorded

    @property
    def summary(self) -> str:
        """For the clerk and the record: "Not quorate: 2 represented; the quorum is at least 4 responsible
        authorities represented"."""
        if not self.is_known:
            return (
                f"Quorum not known: {len(self.counted)} represented so far, and {len(self.unrecorded)} present "
                f"with no organisation recorded (record it on the attendance register); the quorum is {self.rule}"
            )
        state = "Quorate" if self.is_quorate else "Not quorate"
        return f"{state}: {len(self.counted)} represented; the quorum is {self.rule}"


def _present(meeting: Meeting) -> tuple[list[Attendance], tuple[str, ...]]:
    """(rows that count, names of people present with no organisation recorded)."""
    rows = list(meeting.attendance.counting_for_quorum().select_related("organisation", "person"))
    unrecorded = tuple(sorted(r.name_as_recorded or r.person.display_name for r in rows if r.organisation is None))
    rows = [r for r in rows if r.organisation is not None]
    if meeting.committee.quorum_basis == Committee.QuorumBasis.RESPONSIBLE_AUTHORITIES:
        rows = [r for r in rows if r.organisation.kind == Organisation.Kind.RESPONSIBLE_AUTHORITY]
    return rows, unrecorded


def meeting_quorum(meeting: Meeting) -> Quorum:
    """The organisations represented at the meeting as a whole (ignoring interests in single items)."""
    committee = meeting.committee
    present, unrecorded = _present(meeting)
    names = sorted({row.organisation.name for row in present})
    return Quorum(committee.quorum_count, names, committee.quorum_rule, unrecorded=unrecorded)


def item_quorums(meeting: Meeting, items=None) -> dict[int, Quorum]:
    """{agenda item id: Quorum} for every item of the meeting (or `items`), in two queries."""
    committee = meeting.committee
    present, unrecorded = _present(meeting)
    out_of: dict[int | None, set[int]] = {}
    names: dict[int, str] = {}
    declarations = Declaration.objects.filter(meeting=meeting)
    if items is not None:  # only those about these items or the whole meeting (a DHR item's are DHR content)
        declarations = declarations.filter(Q(item__in=[item.pk for item in items]) | Q(item__isnull=True))
    for declaration in declarations.select_related("person"):
        if declaration.disqualifies:
            out_of.setdefault(declaration.item_id, set()).add(declaration.person_id)
            names[declaration.person_id] = declaration.name_as_recorded or declaration.person.display_name
    whole_meeting = out_of.get(None, set())
    quorums = {}
    for item in meeting.items.all() if items is None else items:
        excluded = whole_meeting | out_of.get(item.pk, set())
        counted = sorted({row.organisation.name for row in present if row.person_id not in excluded})
        left_out = tuple(sorted(names[p] for p in excluded if p in names))
        quorums[item.pk] = Quorum(committee.quorum_count, counted, committee.quorum_rule, left_out, unrecorded)
    return quorums
