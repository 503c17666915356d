from django.urls import path

from backoffice.views import patients as views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new-patients.csv", views.new_patients_csv, name="export-new"),
    path("new/", views.patient_create, name="create"),
    path("reads/", views.reads, name="reads"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/edit/", views.patient_edit, name="edit"),
    path("<int:pk>/guardians/search/", views.guardian_search, name="guardian-search"),
    path("<int:pk>/guardians/", views.guardian_add, name="guardian-add"),
    path(
        "<int:pk>/guardians/<int:guardian_pk>/remove/",
        views.guardian_remove,
        name="guardian-remove",
    ),
    path("<int:pk>/care-team/", views.care_team_add, name="care-team-add"),
    path(
        "<int:pk>/care-team/<int:professional_pk>/remove/",
        views.care_team_remove,
        name="care-team-remove",
    ),
    path("<int:pk>/export.json", views.export_json, name="export-json"),
    path("<int:pk>/export.pdf", views.export_pdf, name="export-pdf"),
    path("<int:pk>/erase/", views.erase, name="erase"),
]
