"""Writes of a committee's agenda layout: its sections (letter, heading) and the standard items new agendas start with.

Every committee starts with the four default sections and the standard items of the partnership's agendas
(models/agenda_setup.py DEFAULT_SECTIONS, DEFAULT_STANDARD_ITEMS), seeded when it is created; officers then
add, rename and remove them. A section still holding items (on any agenda or in the standard items) cannot be
removed or re-lettered: item codes follow their section's letter.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_save

from .models import AgendaItem, Committee, CommitteeSection, Meeting, StandardItem
from .models.agenda_setup import DEFAULT_SECTIONS, DEFAULT_STANDARD_ITEMS


def committee_agenda_defaults(*, committee: Committee) -> None:
    """Give a committee with no sections the default ones, and with no standard items the default ones."""
    if not committee.agenda_sections.exists():
        CommitteeSection.objects.bulk_create(
            CommitteeSection(committee=committee, letter=letter, heading=heading, restricted=restricted)
            for letter, heading, restricted in DEFAULT_SECTIONS
        )
    if not committee.standard_items.exists():
        StandardItem.objects.bulk_create(
            StandardItem(
                committee=committee, section=section, position=n, title=title, kind=kind, is_notes_of_last_meeting=notes
            )
            for n, (section, title, kind, notes) in enumerate(DEFAULT_STANDARD_ITEMS, start=1)
        )


def _seed_new_committee(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        committee_agenda_defaults(committee=instance)


def connect_signals() -> None:
    """Every new committee, however created (page, demo, fixture factory), starts with the default layout."""
    post_save.connect(_seed_new_committee, sender=Committee, dispatch_uid="meetings-committee-agenda-defaults")


def _letter_in_use(committee: Committee, letter: str) -> str:
    """Why the section cannot go or change its letter, or ""."""
    used = AgendaItem.objects.filter(meeting__committee=committee, section=letter).count()
    if used:
        return f"Section {letter} holds {used} agenda item(s) of this committee's meetings"
    if committee.standard_items.filter(section=letter).exists():
        return f"Section {letter} holds standard items: move or remove them first"
    return ""


@transaction.atomic
def committee_section_save(*, section: CommitteeSection, lock=None) -> CommitteeSection:
    """Add or rename a section. Raises ValidationError when the letter is taken, or when a section holding items
    changes its letter or stops being restricted while it holds an unrestricted item (codes and the restriction
    follow the letter)."""
    Committee.objects.select_for_update().get(pk=section.committee_id)
    if lock is not None:
        lock.check(section)
    section.letter = (section.letter or "").strip().upper()
    taken = CommitteeSection.objects.filter(committee_id=section.committee_id, letter=section.letter)
    if taken.exclude(pk=section.pk).exists():
        raise ValidationError({"letter": f"The committee already has a section {section.letter}"})
    if section.pk:
        before = CommitteeSection.objects.get(pk=section.pk)
        if before.letter != section.letter:
            why = _letter_in_use(section.committee, before.letter)
            if why:
                raise ValidationError({"letter": f"{why}: its letter cannot change"})
    if section.restricted:
        open_items = AgendaItem.objects.filter(
            meeting__committee_id=section.committee_id, section=section.letter, restriction_reason=""
        ).exclude(meeting__status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED])
        if open_items.exists():
            raise ValidationError(
                {
                    "restricted": "An agenda not yet held has unrestricted items in this section: "
                    "restrict or move them first"
                }
            )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def committee_section_delete(*, section: CommitteeSection) -> None:
    """Remove a section nothing is filed under. Raises ValidationError naming what it still holds."""
    committee = Committee.objects.select_for_update().get(pk=section.committee_id)
    why = _letter_in_use(committee, section.letter)
    if why:
        raise ValidationError(f"{why}: it cannot be removed.")
    if committee.agenda_sections.count() <= 1:
        raise ValidationError("A committee's agendas need at least one section.")
    section.delete()


def section_restricted(committee: Committee, letter: str) -> bool | None:
    """Whether the committee's section `letter` is a restricted one; None when the committee has no such section
    (a committee with no sections at all has the defaults)."""
    rows = {s.letter: s.restricted for s in committee.agenda_sections.all()} or {
        letter: restricted for letter, _, restricted in DEFAULT_SECTIONS
    }
    return rows.get(letter)


@transaction.atomic
def standard_item_save(*, item: StandardItem, lock=None) -> StandardItem:
    """Add (at the end of its section) or change a standard item. Raises ValidationError when its section is not
    one of the committee's, or is a restricted section (standard items are open business)."""
    Committee.objects.select_for_update().get(pk=item.committee_id)
    if lock is not None:
        lock.check(item)
    restricted = section_restricted(item.committee, item.section)
    if restricted is None:
        raise ValidationError({"section": "Select one of the committee's sections"})
    if restricted:
        raise ValidationError({"section": "Standard items are open business: select a section that is not restricted"})
    if item.is_notes_of_last_meeting:
        others = StandardItem.objects.filter(committee_id=item.committee_id, is_notes_of_last_meeting=True)
        if others.exclude(pk=item.pk).exists():
            raise ValidationError(
                {"is_notes_of_last_meeting": "Another standard item is already the notes of the last meeting"}
            )
    was = StandardItem.objects.filter(pk=item.pk).values_list("section", flat=True).first()
    if item.pk is None or was != item.section:
        last = StandardItem.objects.filter(committee_id=item.committee_id, section=item.section).aggregate(
            m=Max("position")
        )["m"]
        item.position = (last or 0) + 1
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def standard_item_delete(*, item: StandardItem) -> None:
    """Stop adding this item to new agendas (agendas already made keep theirs)."""
    Committee.objects.select_for_update().get(pk=item.committee_id)
    item.delete()


def standard_items_copy(*, meeting: Meeting, previous: Meeting | None) -> list[AgendaItem]:
    """A new meeting's agenda starts with its committee's standard items, each then an ordinary item, coded in
    order within its section; the notes of the last meeting are titled with its date."""
    positions: dict[str, int] = {}
    items = []
    for standard in meeting.committee.standard_items.order_by("section", "position", "pk"):
        positions[standard.section] = positions.get(standard.section, 0) + 1
        title = standard.title
        if standard.is_notes_of_last_meeting:
            title = notes_title(previous.date if previous else None)
        items.append(
            AgendaItem(
                meeting=meeting,
                section=standard.section,
                position=positions[standard.section],
                title=title,
                kind=standard.kind,
            )
        )
    from simple_history.utils import bulk_create_with_history

    from search.indexing import documents_refresh_rows

    # bulk_create sends no signals: the history rows are written with the items (the OParl API's created and
    # modified come from them, api/dates.py) and the search documents refreshed here.
    created = bulk_create_with_history(items, AgendaItem)
    documents_refresh_rows(model=AgendaItem, pks=[item.pk for item in created])
    return created


def notes_title(previous_date: datetime.date | None) -> str:
    """ "Notes of meeting held on 24 March 2022", as the agendas title the draft notes of the last meeting."""
    return f"Notes of meeting held on {previous_date:%-d %B %Y}" if previous_date else "Notes of the last meeting"
