from django.urls import path

from .views import bookings, feed, find, home, money, settings

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("find/", find.find, name="find"),
    path("find/slot/", find.slot, name="slot"),
    path("book/", find.book, name="book"),
    path("bookings/<int:pk>/", bookings.detail, name="booking"),
    path("bookings/<int:pk>/cancel/", bookings.cancel, name="booking-cancel"),
    path("bookings/<int:pk>/rebook/", bookings.rebook, name="booking-rebook"),
    path("money/", money.money, name="money"),
    path("month/", money.month, name="month"),
    path("settings/", settings.settings_page, name="settings"),
    path("calendar-feed/", feed.feed_page, name="feed"),
    path("calendar-feed/new/", feed.feed_issue, name="feed-issue"),
    path("calendar-feed/stop/", feed.feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", feed.feed_ics, name="feed-ics"),
    path("manifest.webmanifest", home.manifest, name="manifest"),
]
