from django.urls import path

from backoffice.views import professionals as views

app_name = "professionals"

urlpatterns = [
    path("", views.professional_list, name="list"),
    path("new/", views.professional_create, name="create"),
    path("<int:pk>/", views.professional_detail, name="detail"),
    path("<int:pk>/edit/", views.professional_edit, name="edit"),
    path("<int:pk>/active/", views.professional_set_active, name="set-active"),
    path("<int:pk>/invite/", views.professional_invite, name="invite"),
]
