"""The people the hours are for: patients, the adults responsible for a minor, the
professionals who treat each one, and the record of who read what.

Health data: a patient's record is read only through `patients.access`, which records
every read (PatientRead). Bookings refer to patients (scheduling's Booking.patients);
nothing here refers to bookings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts.audit import Source

ADULT_AGE = 18


class DocumentType(models.TextChoices):
    """Identity documents the clinics see; those with a checksum are validated by
    python-stdnum (patients.documents)."""

    CPF = "cpf", _("CPF (Brazil)")
    DNI = "dni", _("DNI (Peru)")
    CE = "ce", _("Foreigner's card (Peru)")
    NIF = "nif", _("NIF (Portugal)")
    CC = "cc", _("Citizen card (Portugal)")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other")


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, erased_at__isnull=True)

    def matching(self, text: str):
        """Those whose name, document number, phone or email contains `text` (any case);
        every one when `text` is blank. One search for the staff list, the portal, the
        booking popover and the API. A phone is stored in E.164, so its digits are searched
        as digits (a typed "+55 11 9..." and "11 9..." both find it)."""
        text = (text or "").strip()
        if not text:
            return self
        query = Q()
        for word in text.split():
            query &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(document_number__icontains=_compact(word))
            )
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 3:
            query |= Q(phone__contains=digits)
        return self.filter(query)

    def joined_between(self, first: date | None, last: date | None):
        rows = self
        if first is not None:
            rows = rows.filter(joined_on__gte=first)
        if last is not None:
            rows = rows.filter(joined_on__lte=last)
        return rows


def _compact(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper() or text


class Patient(models.Model):
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    document_type = models.CharField(
        _("ID document"), max_length=10, choices=DocumentType.choices, blank=True
    )
    # Stored compact (digits and letters only, upper case): "390.533.447-05" is 39053344705.
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    email = models.EmailField(_("email"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, blank=True, choices=settings.LANGUAGES
    )
    consent_email = models.BooleanField(_("may be contacted by email"), default=False)
    consent_whatsapp = models.BooleanField(_("may be contacted by WhatsApp"), default=False)
    consent_sms = models.BooleanField(_("may be contacted by SMS"), default=False)
    consent_surveys = models.BooleanField(_("receives satisfaction surveys"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    professionals = models.ManyToManyField(
        "professionals.Professional",
        through="CareLink",
        related_name="patients",
        verbose_name=_("care team"),
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        permissions = [
            ("export_patient", _("Can export a patient's data")),
            ("erase_patient", _("Can erase a patient's data on request")),
        ]
        indexes = [
            models.Index(fields=["joined_on"]),
            models.Index(fields=["last_name", "first_name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=~Q(document_number=""),
                name="patient_document_once",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self) -> str:
        """First name and the initial of the last: what reception reads of a patient whose
        professional keeps them discreet ("Marina S.")."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_minor_on(self, day: date) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE

    @property
    def is_minor(self) -> bool:
        return self.is_minor_on(timezone.localdate())

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class RelationshipKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    LEGAL_GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other responsible adult")


class Relationship(models.Model):
    """`guardian` is responsible for `minor`; with `receives_messages`, reminders and
    surveys for the minor go to them (patients.contacts)."""

    minor = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("minor")
    )
    guardian = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="wards", verbose_name=_("responsible adult")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RelationshipKind.choices)
    receives_messages = models.BooleanField(_("receives messages for the minor"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["minor", "pk"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["minor", "guardian"], name="relationship_once"),
            models.CheckConstraint(
                condition=~Q(minor=models.F("guardian")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.minor} ({self.get_kind_display()})"


class CareLink(models.Model):
    """`professional` treats `patient`. A professional reads and edits only the patients
    they are linked to; with `discreet`, reception reads only the patient's first name and
    initial on the calendar."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="care_links", verbose_name=_("patient")
    )
    professional = models.ForeignKey(
        "professionals.Professional",
        on_delete=models.CASCADE,
        related_name="care_links",
        verbose_name=_("professional"),
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    discreet = models.BooleanField(_("reception sees only first name and initial"), default=False)

    class Meta:
        ordering = ["patient", "professional"]
        verbose_name = _("care team member")
        verbose_name_plural = _("care team")
        constraints = [
            models.UniqueConstraint(fields=["patient", "professional"], name="care_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.professional} · {self.patient}"


class ReadKind(models.TextChoices):
    RECORD = "record", _("Record opened")
    LIST = "list", _("Listed")
    SEARCH = "search", _("Search result")
    EXPORT = "export", _("Exported")
    CALENDAR = "calendar", _("On the calendar")


class PatientRead(models.Model):
    """One person read one patient's data once: who, when, which patient, how, from where.
    Written by patients.access on every read; a manager reads the list."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="reads", verbose_name=_("patient")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("read by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ReadKind.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("patient record read")
        verbose_name_plural = _("patient record reads")
        indexes = [models.Index(fields=["patient", "at"])]

    def __str__(self) -> str:
        return f"{self.by} · {self.patient_id} · {self.get_kind_display()}"


class PatientChange(models.Model):
    """A change to a patient, their relationships or care team: who, when, from where, and
    which fields (names only, never values: the history must not copy health data, and an
    erasure must leave nothing of the person behind)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="changes", verbose_name=_("patient")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=30)
    fields = models.JSONField(_("fields"), default=list)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("patient change")
        verbose_name_plural = _("patient changes")

    def __str__(self) -> str:
        return f"{self.patient_id} {self.action}"
