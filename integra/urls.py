from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from accounts.urls import allauth_urlpatterns
from integra import health
from integra.api import api, api_docs

urlpatterns = [
    path("", account_views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    # No login and nothing secret in the answer: monitors and the proxy read it (integra/health.py).
    path("health/", health.status, name="health"),
    path("health/live/", health.live, name="health-live"),
    path("accounts/", include(allauth_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("calendar/", include("backoffice.urls.calendar")),
    path("professionals/", include("backoffice.urls.professionals")),
    path("patients/", include("backoffice.urls.patients")),
    path("billing/", include("backoffice.urls.billing")),
    path("portal/", include("portal.urls")),
    path("api/v1/", api.urls),
    path("api/docs", api_docs, name="api-docs"),
]
