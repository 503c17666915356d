from django.urls import path

from .views import bookings, feed, find, home, money, patients, settings

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("find/", find.find, name="find"),
    path("find/slot/", find.slot, name="slot"),
    path("book/", find.book, name="book"),
    path("bookings/<int:pk>/", bookings.detail, name="booking"),
    path("bookings/<int:pk>/cancel/", bookings.cancel, name="booking-cancel"),
    path("bookings/<int:pk>/rebook/", bookings.rebook, name="booking-rebook"),
    path("bookings/<int:pk>/session/", bookings.session, name="booking-session"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/new/", patients.patient_create, name="patient-new"),
    path("patients/choices/", patients.patient_choices, name="patient-choices"),
    path("patients/<int:pk>/", patients.patient_detail, name="patient"),
    path("patients/<int:pk>/edit/", patients.patient_edit, name="patient-edit"),
    path("patients/<int:pk>/discreet/", patients.patient_discreet, name="patient-discreet"),
    path("money/", money.money, name="money"),
    path("month/", money.month, name="month"),
    path("settings/", settings.settings_page, name="settings"),
    path("calendar-feed/", feed.feed_page, name="feed"),
    path("calendar-feed/new/", feed.feed_issue, name="feed-issue"),
    path("calendar-feed/stop/", feed.feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", feed.feed_ics, name="feed-ics"),
    path("manifest.webmanifest", home.manifest, name="manifest"),
]
