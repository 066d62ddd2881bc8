"""Subject-access sections from committee business, grants and Domestic Homicide Reviews (see sar_sections).

Rows hanging from a DHR agenda item appear only when the scope allows DHR records, and then withheld (DHR_WITHHELD)
with a date; DHR cases are named by pseudonym only. Minutes and papers naming the person are found through the site
search's stored documents (search/), which never hold DHR material, and listed with title and link, not copied.
"""

import re

from django.conf import settings
from django.db.models import Q

from meetings.access import DHR_REASON

from .sar_sections import DHR_MATERIAL, DHR_WITHHELD, Scope, Section, Subject, _email_q, _names_q

THIRD_PARTY = "(another person: left out)"
BIDS_NOTE = "A bid's contact details are given only where the person is its contact."


def memberships(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Membership

    kinds = dict(Membership.Kind.choices)
    rows = [
        {
            "Committee": row["committee__name"],
            "Organisation": row["organisation__name"],
            "As": kinds.get(row["kind"], row["kind"]),
            "From": row["starts_on"],
            "To": row["ends_on"],
        }
        for row in Membership.objects.filter(person__in=subject.person_ids)
        .order_by("starts_on", "pk")
        .values("committee__name", "organisation__name", "kind", "starts_on", "ends_on")
    ]
    return Section("memberships", "Committee memberships", rows)


def office_terms(subject: Subject, scope: Scope) -> Section:
    from meetings.models import OfficeTerm

    offices = dict(OfficeTerm.Office.choices)
    rows = [
        {
            "Committee": row["committee__name"],
            "Office": offices.get(row["office"], row["office"]),
            "From": row["starts_on"],
            "To": row["ends_on"],
        }
        for row in OfficeTerm.objects.filter(person__in=subject.person_ids)
        .order_by("starts_on", "pk")
        .values("committee__name", "office", "starts_on", "ends_on")
    ]
    return Section("office_terms", "Terms of office", rows)


def attendance(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Attendance

    kinds = dict(Attendance.Kind.choices)
    rows = [
        {
            "Meeting": row["meeting__committee__name"],
            "Date": row["meeting__starts_at"],
            "Attendance": kinds.get(row["kind"], row["kind"]),
            "Name as recorded": row["name_as_recorded"],
            "Capacity": row["role_text"],
        }
        for row in Attendance.objects.filter(person__in=subject.person_ids)
        .order_by("meeting__starts_at", "pk")
        .values("meeting__committee__name", "meeting__starts_at", "kind", "name_as_recorded", "role_text")
    ]
    return Section("attendance", "Attendance at meetings", rows)


def declarations(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Declaration

    rows = []
    found = Declaration.objects.filter(person__in=subject.person_ids).order_by("meeting__starts_at", "pk")
    values = found.values(
        "meeting__committee__name", "meeting__starts_at", "item__title", "item__restriction_reason", "interest"
    )
    for row in values:
        dhr = row["item__restriction_reason"] == DHR_REASON
        if dhr and not scope.dhr:
            continue
        rows.append(
            {
                "Meeting": row["meeting__committee__name"],
                "Date": row["meeting__starts_at"],
                "Item": DHR_WITHHELD if dhr else (row["item__title"] or "The meeting as a whole"),
                "Interest": "" if dhr else row["interest"],
            }
        )
    return Section("declarations", "Declarations of interest", rows)


def actions_owned(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Action

    rows = []
    found = Action.objects.filter(owner__in=subject.person_ids).order_by("due_on", "pk")
    values = found.values(
        "text", "due_on", "status", "progress", "minute__item__restriction_reason", "minute__meeting__starts_at"
    )
    statuses = dict(Action.Status.choices)
    for row in values:
        dhr = row["minute__item__restriction_reason"] == DHR_REASON
        if dhr and not scope.dhr:
            continue
        rows.append(
            {
                "Action": DHR_WITHHELD if dhr else row["text"],
                "Meeting date": row["minute__meeting__starts_at"],
                "Due": row["due_on"],
                "Status": statuses.get(row["status"], row["status"]),
                "Progress": "" if dhr else row["progress"],
            }
        )
    return Section("actions", "Actions owned", rows)


def bids(subject: Subject, scope: Scope) -> Section:
    from grants.models import Bid

    condition = Q(created_by__in=subject.user_ids) | _email_q("contact_email", subject.emails)
    for name in subject.names:  # the whole name, not a part of another ("Ann Lee" is not "Joann Leeds")
        condition |= Q(contact_name__iregex=_whole_name(name))
    statuses = dict(Bid.Status.choices)
    rows = []
    for bid in Bid.objects.filter(condition).select_related("grant_year").order_by("created_at", "pk"):
        contact = _is_contact(bid, subject)
        as_ = ["Author"] if bid.created_by_id in subject.user_ids else []
        as_ += ["Contact"] if contact else []
        rows.append(
            {
                "Reference": bid.reference,
                "Title": bid.title,
                "As": " and ".join(as_),
                "Status": statuses.get(bid.status, bid.status),
                # Another person's contact details are a third party's personal data: only the subject's own.
                "Contact name": bid.contact_name if contact else THIRD_PARTY,
                "Contact e-mail": bid.contact_email if contact else THIRD_PARTY,
                "Link": settings.SITE_URL.rstrip("/") + bid.get_absolute_url(),
            }
        )
    return Section("bids", "Grant bids as author or contact", rows, BIDS_NOTE)


def _whole_name(name: str) -> str:
    """A regular expression (PostgreSQL's and Python's alike) matching `name` as whole words, any case."""
    return r"(^|\W)" + re.escape(name) + r"($|\W)"


def _is_contact(bid, subject: Subject) -> bool:
    return bid.contact_email.lower() in subject.emails or any(
        re.search(_whole_name(name), bid.contact_name, re.IGNORECASE) for name in subject.names
    )


def pack_reads(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Pack, PackRead

    kinds = dict(Pack.Kind.choices)
    rows = []
    found = PackRead.objects.filter(user__in=subject.user_ids).order_by("read_at", "pk")
    for row in found.values("pack__kind", "pack__meeting__committee__name", "pack__meeting__starts_at", "read_at"):
        dhr = row["pack__kind"] == Pack.Kind.DHR
        if dhr and not scope.dhr:
            continue
        rows.append(
            {
                "Pack": DHR_MATERIAL if dhr else kinds.get(row["pack__kind"], row["pack__kind"]),
                "Meeting": row["pack__meeting__committee__name"],
                "Meeting date": row["pack__meeting__starts_at"],
                "Last read": row["read_at"],
            }
        )
    return Section("pack_reads", "Packs read", rows)


def annotations(subject: Subject, scope: Scope) -> Section:
    from meetings.models import Annotation

    rows = []
    found = Annotation.objects.filter(user__in=subject.user_ids).order_by("created_at", "pk")
    values = found.values(
        "paper__subject", "paper__item__restriction_reason", "page_offset", "quote", "note", "created_at", "updated_at"
    )
    for row in values:
        dhr = row["paper__item__restriction_reason"] == DHR_REASON
        if dhr and not scope.dhr:
            continue
        rows.append(
            {
                "Paper": DHR_WITHHELD if dhr else row["paper__subject"],
                "Page": row["page_offset"] + 1,
                "Passage highlighted": "" if dhr else row["quote"],
                "Note": "" if dhr else row["note"],
                "Written": row["created_at"],
                "Changed": row["updated_at"],
            }
        )
    return Section("annotations", "Private notes on papers", rows, "Only the writer can read these in the product.")


def dhr_access_log(subject: Subject, scope: Scope) -> Section:
    """Their own looks at DHR material: date, action and the case's pseudonym, never what was seen."""
    from dhr.models import AccessLog

    if not scope.dhr:
        return Section("dhr_access_log", "Domestic Homicide Review access log (their own access)")
    actions = dict(AccessLog.Action.choices)
    rows = [
        {
            "When": row["at"],
            "Action": actions.get(row["action"], row["action"]),
            "Case": f"{row['case__pseudonym']}/{row['case__year']}" if row["case__pseudonym"] else "",
        }
        for row in AccessLog.objects.filter(user__in=subject.user_ids)
        .order_by("at", "pk")
        .values("at", "action", "case__pseudonym", "case__year")
    ]
    note = "Only the date, the action and the case's pseudonym are given."
    return Section("dhr_access_log", "Domestic Homicide Review access log (their own access)", rows, note)


CASE_TEXT = ("victim_summary", "perpetrator_summary", "decision_rationale")
# The case's other records whose text may name someone: (model of dhr.models, path to the case, text fields).
RELATED_TEXT = (
    ("Extension", "case", ("reason",)),
    ("RelatedReview", "case", ("notes",)),
    ("Recommendation", "case", ("text",)),
    ("AgencyAction", "recommendation__case", ("action", "owner")),
    ("ActionUpdate", "action__recommendation__case", ("text",)),
    ("Escalation", "case", ("escalated_to", "reason", "outcome")),
)


def _named_in_records(terms) -> Q:
    """Cases whose own text, or a related record's, holds one of `terms`: one subquery per related model (ids
    only), never a join across all of them."""
    from dhr import models as dhr_models

    condition = _names_q(CASE_TEXT, terms)
    for model_name, path, fields in RELATED_TEXT:
        related = getattr(dhr_models, model_name).objects.filter(_names_q(fields, terms))
        condition |= Q(pk__in=related.values(path))
    return condition


def dhr_cases_naming(subject: Subject, scope: Scope) -> list[dict]:
    """DHR cases naming the subject, by pseudonym only: [{"case": "Juniper/2021", "why": "Panel member"}].

    Matched on a panel member's name, the independent chair (the report's author), and the case's text (summaries,
    reasons, recommendations, actions and their owners, updates, escalations) holding one of the subject's names or
    e-mail addresses. Read as ids and values only: no case row is loaded, nothing of the case leaves but its
    pseudonym and year. Empty unless the scope allows DHR records.
    """
    from dhr.models import Case

    terms = [*subject.names, *sorted(subject.emails)]
    if not scope.dhr or not terms:
        return []
    reasons = (
        ("Panel member", _names_q(["panel__name"], terms)),
        ("Independent chair and author", _names_q(["chair"], terms)),
        ("Named in the case's records", _named_in_records(terms)),
    )
    found: dict[int, dict] = {}
    for why, condition in reasons:
        rows = Case.objects.filter(condition).distinct().values_list("pk", "pseudonym", "year")
        for pk, pseudonym, year in rows:
            entry = found.setdefault(pk, {"case": f"{pseudonym}/{year}", "why": [], "order": (year, pseudonym)})
            entry["why"].append(why)
    ordered = sorted(found.values(), key=lambda entry: entry["order"])
    return [{"case": entry["case"], "why": "; ".join(entry["why"])} for entry in ordered]


RECORD_COLLECTORS = {
    "memberships": memberships,
    "office_terms": office_terms,
    "attendance": attendance,
    "declarations": declarations,
    "actions": actions_owned,
    "bids": bids,
    "pack_reads": pack_reads,
    "annotations": annotations,
    "dhr_access_log": dhr_access_log,
}

PUBLIC_RECORD_KINDS = ("minute", "paper")


def _search_phrase(names) -> str:
    """The names as one web-search query of phrases: '"Shirley Brinson" or "Ms S Brinson"'."""
    return " or ".join(f'"{name.replace(chr(34), " ")}"' for name in names)


def _matching_ids(kind: str, names) -> list[int]:
    """The ids of rows of one search source whose stored document holds one of the names (PostgreSQL), or whose
    fields hold it (the SQLite demo fallback). Never DHR material: the documents never hold it, and the rows are
    read through search.indexing.indexable, which leaves it out."""
    from search.engine import ComputedQuery, tsquery_text, uses_full_text
    from search.indexing import indexable
    from search.models import SearchDocument
    from search.sources import model_of, source_for

    source = source_for(kind)
    if uses_full_text():
        query = ComputedQuery(tsquery_text(_search_phrase(names)))
        ids = SearchDocument.objects.filter(kind=kind, vector=query).values_list("object_id", flat=True)
        return list(indexable(source, list(ids)).values_list("pk", flat=True))
    paths = [source.title_field, *(path for path in source.body_fields if isinstance(path, str))]
    rows = model_of(source)._default_manager.filter(_names_q(paths, names)).values_list("pk", flat=True)
    return list(indexable(source, list(rows)).values_list("pk", flat=True))


def public_record_mentions(subject: Subject, scope: Scope) -> Section:
    """Minutes and papers where one of the subject's names appears, found by the site search's index: title, date
    and link, for the DPO's review (the public record is not copied into the package)."""
    from search.sources import model_of, source_for

    rows = []
    for kind in PUBLIC_RECORD_KINDS if subject.names else ():
        source = source_for(kind)
        ids = _matching_ids(kind, subject.names)
        found = model_of(source)._default_manager.filter(pk__in=ids)
        found = found.select_related("meeting__committee" if kind == "minute" else "item__meeting__committee")
        for obj in found.order_by("pk"):
            meeting = obj.meeting if kind == "minute" else obj.item.meeting
            rows.append(
                {
                    "Kind": source.singular,
                    "Title": source.title(obj),
                    "Meeting": str(meeting),
                    "Date": meeting.starts_at,
                    "Link": settings.SITE_URL.rstrip("/") + source.url(obj),
                }
            )
    rows.sort(key=lambda row: (row["Date"], row["Kind"]))
    note = "Found by the site search; listed for review, not copied. Names searched: " + "; ".join(subject.names)
    return Section("public_record", "Minutes and papers naming them (for review)", rows, note if subject.names else "")
