from django.urls import path

from backoffice.views import bookings, cancellations, pages, payments, policies

app_name = "calendar"

urlpatterns = [
    path("", pages.calendar_page, name="calendar"),
    path("bookings/", bookings.booking_create, name="booking-create"),
    path("bookings/<int:pk>/", bookings.booking_fragment, name="booking-fragment"),
    path("bookings/<int:pk>/move/", bookings.booking_move, name="booking-move"),
    path("bookings/<int:pk>/payment/", payments.booking_payment, name="booking-payment"),
    path("bookings/<int:pk>/cancel/", cancellations.booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/session/", bookings.booking_session, name="booking-session"),
    path(
        "bookings/<int:pk>/session-details/",
        bookings.booking_session_details,
        name="booking-session-details",
    ),
    path("bookings/<int:pk>/<slug:action>/", bookings.booking_action, name="booking-action"),
    path("professionals/", bookings.professional_search, name="professional-search"),
    path("patients/", bookings.patient_choices, name="patient-choices"),
    path("locations/", policies.policy_list, name="location-policies"),
    path("locations/<int:pk>/policy/", policies.policy_edit, name="location-policy"),
]
