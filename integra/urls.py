from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("calendar/", include("scheduling.urls")),
    path("professionals/", include("professionals.urls")),
    path("billing/", include("billing.urls")),
]
