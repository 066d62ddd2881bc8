"""What a subject-access package holds, section by section (kcsp.governance.subject_access makes the package).

Each collector takes the Subject (the people and accounts found for the request) and the Scope (whether DHR records
may be read: `kcsp.roles.dpo_sees_dhr` of the officer making the package) and answers a Section: a key, a title,
its rows (each a dict of column title -> str, int, bool, date, datetime or None) and a note. Rows are read with
`values()` or through their own models outside any page: nothing here is shown to anyone but the data protection
officer, through the package.

Domestic Homicide Review material is never copied. Rows hanging from a DHR agenda item (declarations, actions,
annotations, DHR pack reads, DHR downloads, DHR notices) appear only when the scope allows DHR records, and then
only as "Domestic Homicide Review item" with a date; DHR cases are listed by pseudonym only (`dhr_cases_naming`).
Secrets are never read: no password hash, no token or token digest, no one-time-password key.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from kcsp import roles

DHR_WITHHELD = "Domestic Homicide Review item (withheld: for manual review under the exemptions)"
DHR_MATERIAL = "Domestic Homicide Review material"


@dataclass
class Subject:
    """Who the package is about: Person rows, User accounts, e-mail addresses (lower case) and the names
    (each at least three characters) searched for in the public record and in DHR cases."""

    people: list = field(default_factory=list)
    users: list = field(default_factory=list)
    emails: set = field(default_factory=set)
    names: list = field(default_factory=list)

    @property
    def person_ids(self) -> list[int]:
        return [person.pk for person in self.people]

    @property
    def user_ids(self) -> list[int]:
        return [user.pk for user in self.users]


@dataclass(frozen=True)
class Scope:
    dhr: bool  # DHR records may be read: the officer making the package is a DHR-cleared DPO with a code


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    note: str = ""


def _email_q(field_name: str, emails) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field_name}__iexact": email})
    return condition


def _names_q(paths, names) -> Q:
    condition = Q(pk__in=[])
    for name in names:
        for path in paths:
            condition |= Q(**{f"{path}__icontains": name})
    return condition


def account(subject: Subject, scope: Scope) -> Section:
    rows = [
        {
            "E-mail address": user.email,
            "Full name": user.full_name,
            "Active": user.is_active,
            "Account made": user.date_joined,
            "Last sign-in": user.last_login,
        }
        for user in subject.users
    ]
    return Section("account", "Account", rows, "The password is stored only as a one-way hash and is not included.")


def account_roles(subject: Subject, scope: Scope) -> Section:
    rows = [
        {"Account": user.email, "Role": roles.ROLE_LABELS.get(name, name)}
        for user in subject.users
        for name in sorted(user.groups.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True))
    ]
    return Section("roles", "Roles", rows)


def sign_ins(subject: Subject, scope: Scope) -> Section:
    """django-axes' sign-in records (by the account's e-mail address, as axes counts them) and open sessions."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    usernames = {user.email.casefold() for user in subject.users}
    rows = []
    for model, kind in ((AccessLog, "Signed in"), (AccessFailureLog, "Sign-in refused"), (AccessAttempt, "Lockout")):
        for row in model.objects.filter(_email_q("username", usernames)).values(
            "attempt_time", "ip_address", "user_agent"
        ):
            when, address, browser = row["attempt_time"], row["ip_address"], row["user_agent"]
            rows.append({"What": kind, "When": when, "IP address": address, "Browser": browser})
    user_ids = {str(pk) for pk in subject.user_ids}
    if user_ids:
        for session in Session.objects.filter(expire_date__gt=timezone.now()):
            if session.get_decoded().get("_auth_user_id") in user_ids:
                rows.append({"What": "Session open", "When": session.expire_date, "IP address": None, "Browser": None})
    rows.sort(key=lambda row: row["When"], reverse=True)
    note = "For a session, the date is when it expires."
    return Section("sign_ins", "Sign-ins and sessions", rows, note)


def two_factor(subject: Subject, scope: Scope) -> Section:
    """Authenticator apps and backup-code sets by name only, and enrolment codes: never a key, code or digest."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kcsp.models import EnrolmentCode

    rows = []
    for model, kind in ((TOTPDevice, "Authenticator app"), (StaticDevice, "Backup codes")):
        for name, confirmed in model.objects.filter(user__in=subject.user_ids).values_list("name", "confirmed"):
            rows.append({"Kind": kind, "Name": name, "Confirmed": confirmed, "Made": None, "Used": None})
    codes = EnrolmentCode.objects.filter(user__in=subject.user_ids).values("via", "created_at", "used_at")
    via = dict(EnrolmentCode.Via.choices)
    for code in codes:
        rows.append(
            {
                "Kind": "Enrolment code",
                "Name": via.get(code["via"], code["via"]),
                "Confirmed": None,
                "Made": code["created_at"],
                "Used": code["used_at"],
            }
        )
    return Section("two_factor", "Two-factor sign-in", rows, "Secret keys and codes are never included.")


def person_record(subject: Subject, scope: Scope) -> Section:
    rows = [
        {
            "Name as the papers print it": person.display_name,
            "Title": person.title,
            "Initials": person.initials,
            "Forenames": person.forenames,
            "Surname": person.surname,
            "Letters after the name": person.post_nominals,
            "Job title": person.job_title,
            "Organisation": str(person.organisation or ""),
            "E-mail address": person.email,
        }
        for person in subject.people
    ]
    return Section("person", "Directory record", rows)


def notices(subject: Subject, scope: Scope) -> Section:
    from notifications.kinds import CHOICES, DHR_OVERDUE
    from notifications.models import SentNotice

    labels = dict(CHOICES)
    dhr_types = ContentType.objects.filter(app_label="dhr").values_list("pk", flat=True)
    rows = []
    found = SentNotice.objects.filter(_email_q("recipient", subject.emails)).order_by("sent_at", "pk")
    for row in found.values("kind", "content_type", "recipient", "period", "sent_at"):
        dhr = row["kind"] == DHR_OVERDUE or row["content_type"] in dhr_types
        if dhr and not scope.dhr:
            continue
        rows.append(
            {
                "Notice": DHR_MATERIAL if dhr else labels.get(row["kind"], row["kind"]),
                "Sent to": row["recipient"],
                "Sent": row["sent_at"],
                "Period": "" if dhr else row["period"],
            }
        )
    return Section("notices", "Notices sent", rows)


def preferences(subject: Subject, scope: Scope) -> Section:
    from notifications.kinds import CHOICES
    from notifications.models import Preference

    labels = dict(CHOICES)
    rows = [
        {"Notice": labels.get(kind, kind), "Wanted": enabled}
        for kind, enabled in Preference.objects.filter(user__in=subject.user_ids).values_list("kind", "enabled")
    ]
    return Section("preferences", "Notice preferences", rows, "With no preference recorded, every notice is sent.")


def downloads(subject: Subject, scope: Scope) -> Section:
    from kcsp.models import FileDownload

    rows = []
    found = FileDownload.objects.filter(user__in=subject.user_ids).order_by("downloaded_at", "pk")
    for row in found.values("downloaded_at", "what", "filename", "ip_address", "dhr"):
        if row["dhr"] and not scope.dhr:
            continue
        rows.append(
            {
                "Downloaded": row["downloaded_at"],
                "What": DHR_MATERIAL if row["dhr"] else row["what"],
                "File name": "" if row["dhr"] else row["filename"],
                "IP address": row["ip_address"],
            }
        )
    return Section("downloads", "Downloads recorded", rows)


def api_tokens(subject: Subject, scope: Scope) -> Section:
    from api.models import ApiToken

    rows = [
        {"Name": row["name"], "Made": row["created_at"], "Last used": row["last_used_at"], "Revoked": row["revoked_at"]}
        for row in ApiToken.objects.filter(user__in=subject.user_ids)
        .order_by("created_at", "pk")
        .values("name", "created_at", "last_used_at", "revoked_at")
    ]
    return Section("api_tokens", "API tokens", rows, "The tokens themselves are never included.")


def calendar_feeds(subject: Subject, scope: Scope) -> Section:
    from api.models import CalendarFeed

    rows = [
        {"Made": row["created_at"], "Revoked": row["revoked_at"]}
        for row in CalendarFeed.objects.filter(user__in=subject.user_ids)
        .order_by("created_at", "pk")
        .values("created_at", "revoked_at")
    ]
    return Section("calendar_feeds", "Private calendar feeds", rows, "The feed addresses are never included.")


COLLECTORS = {
    "account": account,
    "roles": account_roles,
    "sign_ins": sign_ins,
    "two_factor": two_factor,
    "person": person_record,
    "notices": notices,
    "preferences": preferences,
    "downloads": downloads,
    "api_tokens": api_tokens,
    "calendar_feeds": calendar_feeds,
}
