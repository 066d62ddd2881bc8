"""The partnership core: user accounts, organisations and the people who represent them."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """`createsuperuser` makes an account with the admin role: there is no all-powerful flag."""
        from django.contrib.auth.models import Group

        from .roles import ADMIN

        user = self._create_user(email, password, **extra_fields)
        user.groups.add(Group.objects.get(name=ADMIN))
        return user

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Signs in by e-mail; roles are the groups it belongs to (see roles.py)."""

    email = models.EmailField(
        "e-mail address",
        max_length=254,
        unique=True,
        error_messages={"unique": "An account with this e-mail address already exists."},
    )
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    # Removes PermissionsMixin's flag: only roles grant anything, so no account can bypass the
    # rules for restricted items or DHR cases, whatever someone sets in the database or admin.
    is_superuser = False
    is_staff = False
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # Stored lower-case so that uniqueness and sign-in ignore case.
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def responsible_authorities(self):
        return self.filter(kind=Organisation.Kind.RESPONSIBLE_AUTHORITY)


class Organisation(models.Model):
    """A partner body; responsible authorities count towards quorum, co-operating bodies do not."""

    class Kind(models.TextChoices):
        RESPONSIBLE_AUTHORITY = "responsible", "Responsible authority"
        COOPERATING_BODY = "cooperating", "Co-operating or participating body"

    class OrgType(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police force"
        POLICING_BODY = "policing_body", "Police and crime commissioner"
        FIRE = "fire", "Fire and rescue service"
        HEALTH = "health", "Health body"
        PROBATION = "probation", "Probation service"
        CHARITY = "charity", "Charity or voluntary organisation"
        COMPANY = "company", "Company or social enterprise"
        PUBLIC_BODY = "public_body", "Other public body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="For example KCC, OPCC, KFRS.")
    kind = models.CharField(
        "responsible authority or not",
        max_length=20,
        choices=Kind.choices,
        help_text="Responsible authorities count towards the quorum.",
    )
    org_type = models.CharField("type", max_length=20, choices=OrgType.choices, default=OrgType.OTHER)
    charity_number = models.CharField(
        max_length=20, blank=True, help_text="Registered with the Charity Commission for England and Wales."
    )
    company_number = models.CharField(max_length=20, blank=True, help_text="Registered at Companies House.")
    local_authority_code = models.CharField(
        "local-authority code",
        max_length=10,
        blank=True,
        help_text="The register code of a local authority in England, for example KEN for Kent County Council.",
    )
    is_active = models.BooleanField("active", default=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.pk])

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def org_id(self) -> str:
        """The organisation's identifier in the org-id.guide scheme 360Giving uses, or "" when it has none.

        Charity number -> GB-CHC-<number>, company number -> GB-COH-<number>, local-authority code ->
        GB-LAE-<code>, in that order of preference (a charitable company is identified by its charity number).
        """
        for scheme, value in (
            ("GB-CHC", self.charity_number),
            ("GB-COH", self.company_number),
            ("GB-LAE", self.local_authority_code),
        ):
            value = "".join(value.split()).upper()
            if value:
                return f"{scheme}-{value}"
        return ""


class PersonQuerySet(models.QuerySet):
    def with_organisation(self):
        return self.select_related("organisation")


class Person(models.Model):
    """Someone who sits on, attends or writes for a committee, named as the papers name them."""

    title = models.CharField(
        max_length=50,  # ranks and offices are sometimes printed in full: "Assistant Chief Constable"
        blank=True,
        help_text="As used in the papers: Mr, Ms, Mrs, Cllr, Dr, T/Supt.",
    )
    initials = models.CharField(max_length=10, blank=True, help_text="For example S or AJ.")
    post_nominals = models.CharField(
        max_length=40, blank=True, help_text="Letters after the name as the papers print them, for example OBE or QPM."
    )
    forenames = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    email = models.EmailField("e-mail address", blank=True)
    user = models.OneToOneField(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person")

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["surname", "initials"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    @property
    def display_name(self):
        """Title, initials, surname and post-nominals as the papers print them: "Ms S Brinson", "Mr A Smith OBE"."""
        return " ".join(part for part in (self.title, self.initials, self.surname, self.post_nominals) if part)

    @property
    def full_name(self):
        """Forenames and surname, as in a report's "By:" line: "Shirley Brinson"."""
        return f"{self.forenames} {self.surname}" if self.forenames else self.display_name


class RenderCheck(models.Model):
    """One run of the end-to-end check that web, Redis, worker, WeasyPrint and storage work together."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure = models.TextField(blank=True)
    pdf = models.FileField(upload_to="render-checks/", blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Render check {self.pk} ({self.get_status_display()})"


class EnrolmentCodeQuerySet(models.QuerySet):
    def live(self):
        """Unused and not yet expired."""
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class EnrolmentCode(models.Model):
    """A single-use code an account needs to set up its first authenticator app, so a password alone cannot.

    Issued by an administrator (shown to them once) or e-mailed to the account's own address; only its
    SHA-256 digest is stored (the code carries about 57 random bits, so no salt is needed); it expires.
    """

    class Via(models.TextChoices):
        ADMIN = "admin", "Issued by an administrator"
        EMAIL = "email", "E-mailed to the account"
        COMMAND = "command", "Printed by a management command"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    via = models.CharField(max_length=10, choices=Via.choices)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Enrolment code for {self.user} ({self.get_via_display()})"


class FileDownload(models.Model):
    """Each restricted or DHR file sent (pack, paper, appendix, case file, export): who, when, what and from where.

    Written by kcsp.downloads.file_send and nothing else. A PDF copy was marked and watermarked for `user`; a
    spreadsheet carried the marking; a Word original sent to an officer carried both in its headers (`copy_sent`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    what = models.CharField(max_length=300, help_text="What was sent, as the officer reads it.")
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    dhr = models.BooleanField(default=False, help_text="The file was Domestic Homicide Review material.")

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.user} downloaded {self.what} at {self.downloaded_at:%Y-%m-%d %H:%M}"

    @classmethod
    def from_db(cls, db, field_names, values):
        """A record of a DHR download names DHR material: reading it passes the DHR gate's log like any DHR row.
        Every download record names restricted material: reading one marks the page (kcsp/marking.py)."""
        instance = super().from_db(db, field_names, values)
        from .marking import restricted_noted

        restricted_noted(f"Download record {instance.pk}")
        if instance.__dict__.get("dhr"):
            from dhr.gate import dhr_loaded

            dhr_loaded(instance)
        return instance

    @property
    def copy_sent(self) -> str:
        """How the copy sent was marked, from the name it was sent under (kcsp.downloads._marked): a PDF with the
        marking and the reader's name on every page, a spreadsheet with the marking, a restricted Word paper to
        an officer as its original, unmarked. "" for a row recorded without a file name."""
        extension = self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        return {
            "pdf": "PDF, marked and named for the reader",
            "csv": "Spreadsheet, marked",
            "xlsx": "Spreadsheet, marked",
            "docx": "Word original, marked and named in its headers and footers",
            "zip": "Subject-access package, marked inside",
        }.get(extension, "")


class DemoRecord(models.Model):
    """A row `manage.py demo` made, so that loading the demo again replaces its own rows and never a user's.

    `placed_for` is the Monday of the week the demo's dates were placed around (kcsp/demo_clock.py): a load on a
    day of the same week keeps the rows; a later week deletes and recreates them (kcsp/demo_records.py)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    placed_for = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="demo_record_once")]

    def __str__(self):
        return f"demo {self.content_type.model} {self.object_id}"
