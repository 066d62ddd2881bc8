"""The partnership core's record types for retention (kcsp/governance/record_types.py): people and user accounts
("person"), organisations ("organisation"), and sessions, sign-in and enrolment records ("session").

A person is labelled "Person 42", never by name. Anonymising a person never rewrites a signed record: a person
named in the attendance or declarations of signed minutes (meetings/freeze.py) keeps the name printed there, but
loses contact details, e-mail, job title and the link to an account; in the attendance, declarations and actions
of meetings whose minutes were never signed the name as recorded becomes "Former member <id>" too.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest, TruncDate

from kcsp.governance.erase import due_rows, history_date, history_erase, rows_delete
from kcsp.governance.models import Action, Trigger
from kcsp.governance.record_types import DisposalRefused, Disposed, Due, register
from kcsp.governance.typebase import REMOVED, SECOND_OFFSET, ModelRecordType, MonthRecordType

from .models import EnrolmentCode, Organisation, Person

FORMER = "Former member {id}"


def account_close(user) -> int:
    """Deactivate an account and scrub it: e-mail "former-account-<id>@invalid.example", no name, no usable
    password, no two-factor devices, enrolment codes or notice preferences, its sessions and sign-in records
    (django-axes) removed, the history rows holding its old values erased. Returns the history rows removed."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from notifications.models import Preference

    User = get_user_model()
    old_email = user.email
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    EnrolmentCode.objects.filter(user=user).delete()
    preferences = list(Preference.objects.filter(user=user).values_list("pk", flat=True))
    Preference.objects.filter(pk__in=preferences).delete()
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        email=f"former-account-{user.pk}@invalid.example", full_name="", is_active=False, password=user.password
    )
    return history_erase(User, [user.pk]) + history_erase(Preference, preferences)


def _open_membership() -> Q:
    from meetings.models import Membership, OfficeTerm

    open_rows = Q(ends_on__isnull=True) | Q(ends_on__gt=datetime.date.today())
    return Q(Exists(Membership.objects.filter(open_rows, person_id=OuterRef("pk")))) | Q(
        Exists(OfficeTerm.objects.filter(open_rows, person_id=OuterRef("pk")))
    )


class PersonRecords(ModelRecordType):
    """A person in the directory with their user account (object id: the person's id), and an account with no
    person (SECOND_OFFSET + the account's id, "Account 12", from its last sign-in or, never signed in, its making).

    A person is never listed while they hold an open membership or office term. anonymise: see the module
    docstring. delete: the person, and their account's personal data (the account itself stays, deactivated and
    scrubbed by `account_close`, as the anchor of what it did: downloads, access-log rows, changes); refused while
    records refer to the person (attendance, actions …): anonymise them instead. For an account with no person
    both actions close the account."""

    key = "person"
    model = Person
    url_name = "person_detail"
    triggers = (Trigger.LAST_ACTIVITY, Trigger.MEMBERSHIP_END, Trigger.CREATED)
    actions = (Action.KEEP, Action.REVIEW, Action.ANONYMISE, Action.DELETE)
    label_values = {}

    def listable(self, action):
        rows = self.rows().exclude(_open_membership())
        if action == Action.ANONYMISE:
            rows = rows.exclude(surname__startswith="Former member ", email="", user__isnull=True)
        return rows

    def trigger_on(self, trigger):
        if trigger == Trigger.CREATED:
            return history_date(Person, first=True)
        if trigger == Trigger.MEMBERSHIP_END:
            return Greatest(Max("memberships__ends_on"), Max("office_terms__ends_on"))
        return Greatest(history_date(Person, first=False), TruncDate("user__last_login"))

    def label_of(self, values):
        return f"Person {values['pk']}"

    def _accounts(self):
        """Accounts with no person, not yet closed."""
        User = get_user_model()
        return User.objects.filter(person__isnull=True).exclude(email__endswith="@invalid.example")

    def due(self, rule, as_of):
        found = super().due(rule, as_of)
        if rule.trigger == Trigger.MEMBERSHIP_END:
            return found
        last = TruncDate(Coalesce("last_login", "date_joined"))
        trigger = TruncDate("date_joined") if rule.trigger == Trigger.CREATED else last
        rows = due_rows(self._accounts(), trigger=trigger, months=rule.period_months, as_of=as_of)
        for pk, due_on in rows.values_list("pk", "due_on"):
            found.append(Due(SECOND_OFFSET + pk, f"Account {pk}", due_on))
        return found

    def label(self, object_id):
        if object_id > SECOND_OFFSET:
            pk = object_id - SECOND_OFFSET
            return f"Account {pk}" if get_user_model().objects.filter(pk=pk).exists() else REMOVED
        return super().label(object_id)

    def dispose(self, object_id, action):
        if object_id <= SECOND_OFFSET or action not in (Action.ANONYMISE, Action.DELETE):
            return super().dispose(object_id, action)
        user = get_user_model().objects.filter(pk=object_id - SECOND_OFFSET).first()
        return Disposed(history_rows_removed=account_close(user)) if user else Disposed()

    def _names_forget(self, person_id: int) -> int:
        """Names as recorded in records of meetings whose minutes were never signed; returns history rows removed."""
        from meetings.models import Action as MeetingAction
        from meetings.models import Attendance, Declaration
        from meetings.retention.common import signed_q

        former = FORMER.format(id=person_id)
        removed = 0
        open_meeting = ~signed_q("meeting__")
        for model, field, person_field, q in (
            (Attendance, "name_as_recorded", "person_id", open_meeting),
            (Attendance, "substitute_for_name", "substitute_for_id", open_meeting),
            (Declaration, "name_as_recorded", "person_id", open_meeting),
            (MeetingAction, "owner_name", "owner_id", ~signed_q("minute__meeting__")),
        ):
            rows = model._base_manager.filter(q, **{person_field: person_id})
            ids = list(rows.values_list("pk", flat=True))
            model._base_manager.filter(pk__in=ids).exclude(**{field: ""}).update(**{field: former})
            removed += history_erase(model, ids)
        return removed

    def anonymise(self, object_id):
        person = Person.objects.select_related("user").get(pk=object_id)
        Person.objects.filter(pk=object_id).update(
            title="", initials="", forenames="", post_nominals="", surname=FORMER.format(id=object_id),
            job_title="", email="", user=None,
        )  # fmt: skip
        done = Disposed(history_rows_removed=history_erase(Person, [object_id]) + self._names_forget(object_id))
        # One history record of the anonymised row (no personal data left in it): the OParl API dates the change
        # from it (api/dates.py), so a client syncing by modified_since replaces the name it holds.
        Person.objects.get(pk=object_id).save()
        if person.user is not None:
            done.history_rows_removed += account_close(person.user)
        return done

    def delete(self, object_id):
        person = Person.objects.select_related("user").get(pk=object_id)
        try:
            done = rows_delete(self.rows().filter(pk=object_id))
        except DisposalRefused as refused:
            raise DisposalRefused(f"{refused} Anonymise the person instead.") from None
        if person.user is not None:
            done.history_rows_removed += account_close(person.user)
        return done


class OrganisationRecords(ModelRecordType):
    """An organisation no longer active (is_active off), from its last change. Organisations hold no personal
    data; delete is refused while people, memberships, bids or attendance refer to one."""

    key = "organisation"
    model = Organisation
    url_name = "organisation_detail"
    triggers = (Trigger.LAST_ACTIVITY, Trigger.CREATED)
    actions = (Action.KEEP, Action.REVIEW, Action.DELETE)
    label_values = {"l_name": F("name")}

    def listable(self, action):
        return self.rows().filter(is_active=False)

    def trigger_on(self, trigger):
        return history_date(Organisation, first=trigger == Trigger.CREATED)

    def label_of(self, values):
        return values["l_name"]

    def delete(self, object_id):
        return rows_delete(self.rows().filter(pk=object_id))


class SessionRecords(MonthRecordType):
    """Sign-in records (django-axes attempts, failures and sign-ins), enrolment codes used or expired, and expired
    sessions, kept per calendar month: the object id is the month (202403 for March 2024), from the month's end.
    delete removes that month's records."""

    key = "session"
    noun = "Sign-in records"

    def sources(self):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        now = timezone.now()
        return [
            (AccessAttempt.objects.all(), "attempt_time"),
            (AccessFailureLog.objects.all(), "attempt_time"),
            (AccessLog.objects.all(), "attempt_time"),
            (EnrolmentCode.objects.filter(Q(used_at__isnull=False) | Q(expires_at__lte=now)), "created_at"),
            (Session.objects.filter(expire_date__lte=now), "expire_date"),
        ]


register(PersonRecords())
register(OrganisationRecords())
register(SessionRecords())
