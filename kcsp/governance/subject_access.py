"""Subject-access packages (issue 20, UK GDPR Article 15): every record naming one person, in one ZIP.

`subject_access_package_make(dpo_user, person=..., email=...)` finds the person's records (sections in
kcsp.governance.sar_sections and sar_records), writes a ZIP of index.html (readable, self-contained), data.json
(the same sections, dates in ISO 8601) and README.txt, and stores it in a SubjectAccessPackage with its counts.
The row is the record that a package was made (who, when, for whom); each download is a FileDownload written by
kcsp.downloads.file_send.

Domestic Homicide Review records are searched only when the officer is a DHR-cleared data protection officer who
has entered a one-time code this session (kcsp.roles.dpo_sees_dhr); the view then passes the DHR gate
(dhr.gate.dhr_gate), so the search is in the DHR access log. DHR case content is never copied: a case naming the
person is listed by pseudonym in `dhr_cases_for_review`, for manual review under the exemptions of the Data
Protection Act 2018 (Schedules 2 and 3).
"""

import io
import json
import re
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kcsp.marking import handling_line, marking_line, protective_marking
from kcsp.models import Person, User
from kcsp.roles import dpo_sees_dhr

from .models import SubjectAccessPackage
from .sar_records import RECORD_COLLECTORS, dhr_cases_naming, public_record_mentions
from .sar_sections import COLLECTORS, Scope, Section, Subject

DHR_NOT_SEARCHED = "DHR records were not searched: make the package as a DHR-cleared DPO with a one-time code."
DHR_SEARCHED = (
    "DHR records were searched. DHR case content is never included: each case naming the person is listed by its "
    "pseudonym for manual review under the exemptions of the Data Protection Act 2018 (Schedules 2 and 3)."
)
README = """Subject-access package
======================

This package answers a subject-access request (UK GDPR Article 15) made to the Kent Community Safety
Partnership. It lists every record the partnership's system holds that names the person below.

Person: {label}
Made: {made_at}
Made by: {made_by}

index.html  The records, section by section, to read in any web browser (it needs no internet connection).
data.json   The same records as JSON (dates and times in ISO 8601), for copying or checking.

Minutes and papers where the name appears are listed with their title and link, for review: they are the
partnership's public record and are not copied here. {dhr}

Before sending anything to the person, the data protection officer reviews the package: third parties' personal
data and material under an exemption are removed or withheld.

{marking_line}
"""
DHR_SEARCHED_KEY = "dhr_records_searched"  # in `counts`: the package was made with DHR records searched
SHORTEST_NAME = 3  # a name shorter than this would match too much text to mean anything


def subject_find(*, person: Person | None = None, email: str = "") -> Subject:
    """The people, accounts, e-mail addresses and names of one request.

    From `person`: that Person, its account and their e-mail addresses. From `email` (matched without regard to
    case): every account and every directory entry with that address, and the accounts of those entries.
    Names searched: each person's "Forenames Surname", "Title Initials Surname" and "Title Surname", and each
    account's full name.
    """
    email = (email or "").strip().lower()
    people = {person.pk: person} if person is not None else {}
    users = {}
    if email:
        users |= {user.pk: user for user in User.objects.filter(email__iexact=email)}
        people |= {p.pk: p for p in Person.objects.filter(email__iexact=email)}
        people |= {p.pk: p for p in Person.objects.filter(user__in=list(users))}
    for found in list(people.values()):
        if found.user_id and found.user_id not in users:
            users[found.user_id] = found.user
    for user in users.values():
        people |= {p.pk: p for p in Person.objects.filter(user=user)}
    emails = {e.lower() for e in [email, *(p.email for p in people.values()), *(u.email for u in users.values())] if e}
    names = []
    for p in people.values():
        names += [f"{p.forenames} {p.surname}" if p.forenames else "", p.display_name]
        names += [f"{p.title} {p.surname}" if p.title else ""]  # as minutes name people: "Ms Brinson said …"
    names += [u.full_name for u in users.values() if u.full_name and "@" not in u.full_name]
    names = [re.sub(r"\s+", " ", n).strip() for n in names]
    names = list(dict.fromkeys(n for n in names if len(n) >= SHORTEST_NAME))
    return Subject(
        people=sorted(people.values(), key=lambda p: p.pk),
        users=sorted(users.values(), key=lambda u: u.pk),
        emails=emails,
        names=names,
    )


def subject_label(person: Person | None, email: str) -> str:
    """How the package names its subject: "Ms S Brinson (s.brinson@example.org)", or the one given."""
    email = (email or "").strip().lower()
    if person is None:
        return email
    return f"{person.display_name} ({email})" if email else person.display_name


ORDER = (
    "account",
    "roles",
    "sign_ins",
    "two_factor",
    "person",
    "memberships",
    "office_terms",
    "attendance",
    "declarations",
    "actions",
    "public_record",
    "bids",
    "notices",
    "preferences",
    "downloads",
    "pack_reads",
    "annotations",
    "api_tokens",
    "calendar_feeds",
    "dhr_access_log",
)


def package_sections(subject: Subject, scope: Scope) -> list[Section]:
    """Every section (sar_sections.COLLECTORS, sar_records.RECORD_COLLECTORS), in the order the index prints them."""
    collectors = {**COLLECTORS, **RECORD_COLLECTORS, "public_record": public_record_mentions}
    return [collectors[key](subject, scope) for key in ORDER]


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown(value) -> str:
    """A value as the index prints it: dates as "1 December 2026", times in local time, yes or no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "hour"):
        return f"{timezone.localtime(value):%-d %B %Y %H:%M}" if timezone.is_aware(value) else str(value)
    if hasattr(value, "isoformat"):
        return f"{value:%-d %B %Y}"
    return str(value)


def package_data(*, label: str, made_at, made_by: str, scope: Scope, sections, dhr_cases) -> dict:
    """data.json: {"package": {...}, "sections": [{key, title, note, count, rows}], "dhr_cases_for_review": [...]}."""
    return {
        "package": {
            "subject": label,
            "made_at": made_at.isoformat(),
            "made_by": made_by,
            "dhr_records_searched": scope.dhr,
            "dhr_note": DHR_SEARCHED if scope.dhr else DHR_NOT_SEARCHED,
            "marking": protective_marking(),
            "handling": handling_line(),
        },
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "count": len(section.rows),
                "rows": [{k: _json_value(v) for k, v in row.items()} for row in section.rows],
            }
            for section in sections
        ],
        "dhr_cases_for_review": dhr_cases,
    }


def package_zip(*, label: str, made_at, made_by: str, scope: Scope, sections, dhr_cases) -> bytes:
    """The ZIP's bytes: index.html, data.json and README.txt."""
    data = package_data(
        label=label, made_at=made_at, made_by=made_by, scope=scope, sections=sections, dhr_cases=dhr_cases
    )
    shown = [
        {
            "key": section.key,
            "title": section.title,
            "note": section.note,
            "columns": list(section.rows[0]) if section.rows else [],
            "rows": [[_shown(value) for value in row.values()] for row in section.rows],
        }
        for section in sections
    ]
    index = render_to_string(
        "governance/subject_access_index.html",
        {
            "label": label,
            "made_at": _shown(made_at),
            "made_by": made_by,
            "sections": shown,
            "dhr_searched": scope.dhr,
            "found": sum(len(section.rows) for section in sections) + len(dhr_cases),
            "dhr_note": data["package"]["dhr_note"],
            "dhr_cases": dhr_cases,
            "marking_line": marking_line(),
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )
    readme = README.format(
        label=label,
        made_at=_shown(made_at),
        made_by=made_by,
        dhr=data["package"]["dhr_note"],
        marking_line=marking_line(),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index)
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


@transaction.atomic
def subject_access_package_make(dpo_user, *, person: Person | None = None, email: str = "") -> SubjectAccessPackage:
    """Make and store the subject-access package of `person` and/or `email`; answers the SubjectAccessPackage.

    Rules (issue 20): only the data protection officer makes one (governance.make_subject_access, else
    PermissionDenied); a person or an e-mail address is required (ValidationError otherwise); an address matching
    nobody still makes a package, which says nothing was found. DHR records are searched only when
    `dpo_sees_dhr(dpo_user)` (DHR-cleared, with a one-time code this session); the calling view passes the DHR gate
    then. `counts` holds the number of rows of each section, "dhr_cases" the cases listed for review.
    """
    if not dpo_user.has_perm("governance.make_subject_access"):
        raise PermissionDenied("Only the data protection officer makes subject-access packages.")
    email = (email or "").strip().lower()
    if person is None and not email:
        raise ValidationError("Choose a person from the directory or enter an e-mail address.")
    scope = Scope(dhr=dpo_sees_dhr(dpo_user))
    subject = subject_find(person=person, email=email)
    sections = package_sections(subject, scope)
    dhr_cases = dhr_cases_naming(subject, scope)
    label = subject_label(person, email)[:300]
    made_at = timezone.now()
    package = SubjectAccessPackage(
        subject_person=person,
        subject_email=email,
        subject_label=label,
        made_by=dpo_user,
        made_at=made_at,
        counts={
            **{section.key: len(section.rows) for section in sections},
            "dhr_cases": len(dhr_cases),
            DHR_SEARCHED_KEY: scope.dhr,
        },
        dhr_cases_for_review=dhr_cases,
    )
    data = package_zip(
        label=label, made_at=made_at, made_by=dpo_user.email, scope=scope, sections=sections, dhr_cases=dhr_cases
    )
    package.file.save("package.zip", ContentFile(data), save=False)
    package.save()
    return package


def package_holds_dhr(package: SubjectAccessPackage) -> bool:
    """Made with DHR records searched: its ZIP may name DHR cases (by pseudonym) and is sent as DHR material."""
    return bool(package.counts.get(DHR_SEARCHED_KEY))


SECTION_TITLES = {  # the package page's names for the keys of `counts`, in ORDER
    "account": "Account",
    "roles": "Roles",
    "sign_ins": "Sign-ins and sessions",
    "two_factor": "Two-factor sign-in",
    "person": "Directory record",
    "memberships": "Committee memberships",
    "office_terms": "Terms of office",
    "attendance": "Attendance at meetings",
    "declarations": "Declarations of interest",
    "actions": "Actions owned",
    "public_record": "Minutes and papers naming them (for review)",
    "bids": "Grant bids as author or contact",
    "notices": "Notices sent",
    "preferences": "Notice preferences",
    "downloads": "Downloads recorded",
    "pack_reads": "Packs read",
    "annotations": "Private notes on papers",
    "api_tokens": "API tokens",
    "calendar_feeds": "Private calendar feeds",
    "dhr_access_log": "Domestic Homicide Review access log (their own access)",
}
