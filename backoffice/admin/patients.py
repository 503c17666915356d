"""Admin for patients: read-only. Patients, their responsible adults and their care team are
written only through the staff patient pages (Patients in the menu), which call
patients.services: the rules (documents, phones, guardians of a minor, erasure) and the
change history live there, not in a form here.

Health data: every patient the admin shows is a recorded read (PatientRead, source
admin), like on the staff pages. The audit rows themselves name patients by number only."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _

from accounts.audit import Source, actor_from_request
from backoffice.admin.read_only import ReadOnly
from patients.access import record_reads
from patients.models import CareLink, Patient, PatientChange, PatientRead, ReadKind, Relationship

WRITES_ELSEWHERE = _(
    "Read-only here: patients, responsible adults and care teams are changed on the staff "
    "patient pages, which check the rules and record every change."
)


class RecordingChangeList(ChangeList):
    """Records a read of every patient on the page (one insert), as a search when searched."""

    def get_results(self, request):
        super().get_results(request)
        ids = []
        for row in self.result_list:
            ids.extend(self.model_admin.patients_of(row))
        kind = ReadKind.SEARCH if self.query else ReadKind.LIST
        record_reads(actor_from_request(request, Source.ADMIN), ids, kind, path=request.path)


class RecordedReads(ReadOnly):
    """A read-only admin whose list and pages record the patients they show."""

    def get_changelist(self, request, **kwargs):
        return RecordingChangeList

    def change_view(self, request, object_id, form_url="", extra_context=None):
        row = self.get_object(request, object_id)
        if row is not None:
            record_reads(
                actor_from_request(request, Source.ADMIN),
                self.patients_of(row),
                ReadKind.RECORD,
                path=request.path,
            )
        extra_context = {**(extra_context or {}), "subtitle": WRITES_ELSEWHERE}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": WRITES_ELSEWHERE}
        return super().changelist_view(request, extra_context)


@admin.register(Patient)
class PatientAdmin(RecordedReads, admin.ModelAdmin):
    list_display = ["__str__", "birth_date", "joined_on", "active", "erased_at"]
    list_filter = ["active", "joined_on"]
    search_fields = ["first_name", "last_name", "document_number", "email", "phone"]
    exclude = ["professionals"]

    def patients_of(self, patient):
        return [patient.pk]


@admin.register(Relationship)
class RelationshipAdmin(RecordedReads, admin.ModelAdmin):
    list_display = ["minor", "guardian", "kind", "receives_messages"]
    list_filter = ["kind"]
    list_select_related = ["minor", "guardian"]

    def patients_of(self, link):
        return [link.minor_id, link.guardian_id]


@admin.register(CareLink)
class CareLinkAdmin(RecordedReads, admin.ModelAdmin):
    list_display = ["patient", "professional", "since", "discreet"]
    list_filter = ["discreet", "professional"]
    list_select_related = ["patient", "professional"]

    def patients_of(self, link):
        return [link.patient_id]


@admin.register(PatientRead)
class PatientReadAdmin(ReadOnly, admin.ModelAdmin):
    """Who read which patient (by number); the staff page "Who read what" names them."""

    list_display = ["at", "by", "patient_id", "kind", "source", "ip", "path"]
    list_filter = ["kind", "source"]
    search_fields = ["=patient__id", "by__username"]
    date_hierarchy = "at"
    list_select_related = ["by"]
    fields = ["at", "by", "patient_id", "kind", "source", "ip", "path"]
    readonly_fields = fields
    show_full_result_count = False


@admin.register(PatientChange)
class PatientChangeAdmin(ReadOnly, admin.ModelAdmin):
    """What changed (field names only, never values), by whom, from where."""

    list_display = ["at", "by", "patient_id", "action", "fields", "source", "ip"]
    list_filter = ["action", "source"]
    search_fields = ["=patient__id", "by__username"]
    date_hierarchy = "at"
    list_select_related = ["by"]
    fields = ["at", "by", "patient_id", "action", "fields", "source", "ip"]
    readonly_fields = fields
