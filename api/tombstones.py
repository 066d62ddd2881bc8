"""A DeletedObject for every OParl object that leaves its table, written at the one moment every deletion passes.

A `pre_delete` receiver per model the API shows (Django sends it for every row of a cascade too, before any
row goes, so visibility can still be read): the object's API type and key, its created date (its first history
record) and whether the public could see it (else only officers and the committee's members learn it went).
DHR material is never in the API, so its deletion leaves nothing here. OParl 1.1 section 2-08.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from meetings import access

from .dates import SINCE


def _created(instance):
    first = instance.history.model.objects.filter(id=instance.pk).order_by("history_date").first()
    return first.history_date if first else SINCE


def _record(oparl_type: str, key, instance, public: bool, committee_id: int | None) -> None:
    from .models import DeletedObject

    DeletedObject.objects.update_or_create(
        oparl_type=oparl_type,
        key=str(key),
        defaults={"created": _created(instance), "public": public, "committee_id": committee_id},
    )


def _public(rows, instance) -> bool:
    return rows(AnonymousUser()).filter(pk=instance.pk).exists()


def _members_committee(meeting) -> int | None:
    """The committee whose members may learn that this meeting's business went: only once it was announced (its
    agenda published: access.meeting_q's published half), as before then members never saw it; else None
    (officers and chairs only)."""
    published = meeting.status in access.PUBLISHED_STATUSES
    announced = meeting.status in access.CALLED_OFF_STATUSES and meeting.published_at is not None
    return meeting.committee_id if published or announced else None


def _connect(model_label: str):
    def decorate(handler):
        receiver(pre_delete, sender=model_label, dispatch_uid=f"api-tombstone-{model_label}")(handler)
        return handler

    return decorate


@_connect("meetings.Committee")
def committee_deleted(sender, instance, **kwargs):
    _record("organization", instance.pk, instance, instance.is_public, instance.pk)


@_connect("kcsp.Organisation")
def organisation_deleted(sender, instance, **kwargs):
    from .sources import partners

    _record("organization", f"org-{instance.pk}", instance, _public(partners, instance), None)


@_connect("kcsp.Person")
def person_deleted(sender, instance, **kwargs):
    from .sources import persons

    _record("person", instance.pk, instance, _public(persons, instance), None)


@_connect("meetings.Membership")
def membership_deleted(sender, instance, **kwargs):
    from .sources import memberships

    _record("membership", instance.pk, instance, _public(memberships, instance), instance.committee_id)


@_connect("meetings.Meeting")
def meeting_deleted(sender, instance, **kwargs):
    from meetings.models import Meeting

    public = Meeting.objects.visible_to(AnonymousUser()).filter(pk=instance.pk).exists()
    for oparl_type in ("meeting", "location"):
        _record(oparl_type, instance.pk, instance, public, _members_committee(instance))


@_connect("meetings.AgendaItem")
def agenda_item_deleted(sender, instance, **kwargs):
    from .sources import agenda_items

    if instance.is_dhr:
        return
    _record("agendaitem", instance.pk, instance, _public(agenda_items, instance), _members_committee(instance.meeting))


@_connect("meetings.Paper")
def paper_deleted(sender, instance, **kwargs):
    from .sources import papers

    if instance.item.is_dhr:
        return
    public, committee = _public(papers, instance), _members_committee(instance.item.meeting)
    for oparl_type in ("paper", "consultation"):
        _record(oparl_type, instance.pk, instance, public, committee)
    if instance.file:
        _record("file", f"paper-{instance.pk}", instance, public, committee)


@_connect("meetings.Appendix")
def appendix_deleted(sender, instance, **kwargs):
    from .sources import papers

    item = instance.paper.item
    if not item.is_dhr:
        public = papers(AnonymousUser()).filter(pk=instance.paper_id).exists()
        _record("file", f"appendix-{instance.pk}", instance, public, _members_committee(item.meeting))


@_connect("meetings.Pack")
def pack_deleted(sender, instance, **kwargs):
    from meetings.models import Pack

    if instance.kind in (Pack.Kind.DHR, Pack.Kind.MINUTES) or not instance.file:
        return
    public = instance.kind in ("public", "supplementary") and access.committee_open(
        AnonymousUser(), instance.meeting.committee
    )
    _record_plain("file", f"pack-{instance.pk}", instance, public, instance.meeting.committee_id)


def _record_plain(oparl_type, key, instance, public, committee_id):
    """For rows with no change history of their own (packs): created is when they were built."""
    from .models import DeletedObject

    created = getattr(instance, "built_at", None) or SINCE
    DeletedObject.objects.update_or_create(
        oparl_type=oparl_type, key=key, defaults={"created": created, "public": public, "committee_id": committee_id}
    )


@_connect("meetings.SignedMinutes")
def signed_minutes_deleted(sender, instance, **kwargs):
    if instance.kind == "dhr":
        return
    public = instance.kind == "public" and access.committee_open(AnonymousUser(), instance.meeting.committee)
    key = f"minutes-{instance.meeting_id}-{instance.kind}"
    _record("file", key, instance, public, instance.meeting.committee_id)
