"""The directory's writes: organisations and people, added and corrected by officers without the admin.

Each service checks its rules and raises ValidationError naming the rule (a dict of field -> message where a field
is at fault), saving nothing; the record's history names `user`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from .identifiers import charity_number_clean, company_number_clean, initials_clean, local_authority_code_clean
from .models import Organisation, Person, User

IDENTIFIER_FIELDS = {
    "charity_number": ("charity number", charity_number_clean),
    "company_number": ("company number", company_number_clean),
    "local_authority_code": ("local-authority code", local_authority_code_clean),
}


def _saved_by(record, user: User | None):
    if user is not None:
        record._history_user = user


def organisation_clash(organisation: Organisation) -> Organisation | None:
    """Another organisation with the same name, ignoring case and spacing (retired ones included), or None."""
    name = " ".join(organisation.name.split())
    others = Organisation.objects.exclude(pk=organisation.pk) if organisation.pk else Organisation.objects.all()
    return others.filter(name__iexact=name).first()


def _organisation_check(organisation: Organisation) -> None:
    errors = {}
    organisation.name = " ".join(organisation.name.split())
    organisation.short_name = " ".join(organisation.short_name.split())
    if not organisation.name:
        errors["name"] = "Enter the organisation's name"
    elif clash := organisation_clash(organisation):
        retired = "" if clash.is_active else " (retired: reactivate it rather than adding it again)"
        errors["name"] = f"An organisation called {clash.name} is already recorded{retired}"
    for field, (label, clean) in IDENTIFIER_FIELDS.items():
        try:
            value = clean(getattr(organisation, field))
        except ValidationError as error:
            errors[field] = error.messages[0]
            continue
        setattr(organisation, field, value)
        others = Organisation.objects.exclude(pk=organisation.pk) if organisation.pk else Organisation.objects.all()
        holder = others.filter(**{field: value}).first() if value else None
        if holder is not None:
            errors[field] = f"The {label} {value} is already recorded for {holder.name}"
    if organisation.local_authority_code and organisation.org_type != Organisation.OrgType.LOCAL_AUTHORITY:
        errors.setdefault(
            "local_authority_code",
            "A local-authority code is for a local authority: choose the type Local authority, or leave the code blank",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organisation_save(*, organisation: Organisation, user: User | None = None) -> Organisation:
    """Add or correct an organisation: name required and not already recorded (ignoring case), identifiers in their
    register's form (kcsp.identifiers) and not another organisation's; a local-authority code only on a local
    authority. An edit page checks its version first (kcsp.locking.RecordLockMixin, in the same transaction)."""
    _organisation_check(organisation)
    organisation.full_clean()
    _saved_by(organisation, user)
    try:
        with transaction.atomic():  # two officers adding the same name at once: the constraint decides
            organisation.save()
    except IntegrityError as error:
        raise ValidationError({"name": f"{organisation.name} is already recorded."}) from error
    return organisation


@transaction.atomic
def organisation_active_set(*, organisation: Organisation, active: bool, user: User | None = None) -> Organisation:
    """Retire (active=False) or reactivate an organisation; its people, memberships and past records are kept.

    Refuses (ValidationError) retiring one already retired or reactivating one that is active."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_active == active:
        state = "active" if active else "retired"
        raise ValidationError(f"{organisation.name} is already {state}.")
    organisation.is_active = active
    _saved_by(organisation, user)
    organisation.save(update_fields=["is_active"])
    return organisation


def person_duplicates(person: Person) -> QuerySet:
    """People already recorded who are likely the same as `person`: the same surname, initials and organisation
    (ignoring case), unless both have first names and they differ."""
    same = Person.objects.filter(
        surname__iexact=person.surname.strip(),
        initials__iexact=person.initials.strip(),
        organisation=person.organisation_id,
    )
    if person.pk:
        same = same.exclude(pk=person.pk)
    if person.forenames.strip():
        same = same.filter(Q(forenames="") | Q(forenames__iexact=person.forenames.strip()))
    return same.select_related("organisation")


class DuplicatePerson(ValidationError):
    """A likely duplicate: `existing` is the person already recorded."""

    def __init__(self, message, existing: Person):
        super().__init__(message)
        self.existing = existing


def person_check(person: Person) -> None:
    """The rules of person_save, without saving (the register's "add a person" applies them too); tidies `person`'s
    typed names in place. Raises ValidationError (field -> message) or DuplicatePerson."""
    errors = {}
    for field in ("title", "forenames", "surname", "post_nominals", "job_title"):
        setattr(person, field, " ".join(getattr(person, field).split()))
    person.email = person.email.strip().lower()
    if not person.surname:
        errors["surname"] = "Enter the person's surname"
    try:
        person.initials = initials_clean(person.initials)
    except ValidationError as error:
        errors["initials"] = error.messages[0]
    if person.organisation is not None and not person.organisation.is_active:
        original = Person.objects.filter(pk=person.pk).values_list("organisation_id", flat=True).first()
        if original != person.organisation_id:
            errors["organisation"] = f"{person.organisation.name} is retired: reactivate it first, or choose another"
    if errors:
        raise ValidationError(errors)
    existing = person_duplicates(person).first()
    if existing is not None:
        at = f" of {existing.organisation.name}" if existing.organisation else " with no organisation"
        raise DuplicatePerson(
            f"{existing.display_name}{at} is already recorded: open their record rather than adding them again. "
            "If this is a different person, record the first names of both (edit the one already recorded first) "
            "so that the two can be told apart",
            existing,
        )


@transaction.atomic
def person_save(*, person: Person, user: User | None = None) -> Person:
    """Add or correct a person as the papers name them: surname required, initials letters only ("a.j." is stored
    "AJ"), no likely duplicate (`person_duplicates`; DuplicatePerson names the one already recorded), and not
    newly placed in a retired organisation."""
    person_check(person)
    person.full_clean()
    _saved_by(person, user)
    person.save()
    return person


def people_search(text: str = "") -> QuerySet:
    """People whose surname, first names, initials, title or organisation contains each word of `text`, by name."""
    people = Person.objects.with_organisation().order_by("surname", "initials", "pk")
    for word in text.split()[:6]:
        people = people.filter(
            Q(surname__icontains=word)
            | Q(forenames__icontains=word)
            | Q(initials__iexact=word.replace(".", ""))
            | Q(title__iexact=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__short_name__iexact=word)
        )
    return people
