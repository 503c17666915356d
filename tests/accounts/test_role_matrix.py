"""Who may open what: anonymous, a professional, reception, a manager and the set-up
superuser × every staff page and every admin page (the API's matrix is in
tests/api/test_authorisation_matrix.py, with reception and a manager as actors).

Reception runs the day (bookings, payments, professionals, the calendar and its menus);
a manager also has prices, agreements, policies, reversals, statements, exports and
users; only the superuser sees the internal tables. A refused request changes nothing."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from billing import services as billing
from scheduling.models import Source
from tests.billing.conftest import billing_snapshot
from tests.conftest import snapshot
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ANON, PRO, RECEPTION, MANAGER, SUPER = "anonymous", "professional", "reception", "manager", "admin"
ROLES = [ANON, PRO, RECEPTION, MANAGER, SUPER]

# name, args (from the world), method, (anonymous, professional, reception, manager, admin)
LOGIN, NO, OK, MOVED = 302, 403, 200, 302
STAFF_PAGES = [
    ("calendar:calendar", [], "GET", (LOGIN, NO, OK, OK, OK)),
    ("calendar:location-policies", [], "GET", (LOGIN, NO, OK, OK, OK)),
    ("calendar:location-policy", ["location"], "GET", (LOGIN, NO, NO, OK, OK)),
    ("calendar:location-policy", ["location"], "POST", (LOGIN, NO, NO, MOVED, MOVED)),
    ("professionals:list", [], "GET", (LOGIN, NO, OK, OK, OK)),
    ("professionals:create", [], "GET", (LOGIN, NO, OK, OK, OK)),
    ("professionals:detail", ["pro"], "GET", (LOGIN, NO, OK, OK, OK)),
    ("professionals:edit", ["pro"], "GET", (LOGIN, NO, OK, OK, OK)),
    ("billing:overview", [], "GET", (LOGIN, NO, OK, OK, OK)),
    ("billing:payment-reverse", ["payment"], "POST", (LOGIN, NO, NO, MOVED, MOVED)),
    ("billing:statement-issue", [], "POST", (LOGIN, NO, NO, MOVED, MOVED)),
    ("billing:batch-start", [], "POST", (LOGIN, NO, NO, MOVED, MOVED)),
    # the professional's own statement; reception does not learn that statements exist
    ("billing:statement-download", ["statement"], "GET", (LOGIN, OK, 404, OK, OK)),
    ("billing:export-page", [], "GET", (LOGIN, NO, NO, OK, OK)),
    ("billing:export-csv", ["bookings"], "GET", (LOGIN, NO, NO, OK, OK)),
    ("admin:index", [], "GET", (LOGIN, NO, OK, OK, OK)),
]

# Every model in the admin: (reception, manager) status of its list; the superuser opens
# all. A model added to the admin must be placed here, so nobody forgets its role.
ADMIN_LISTS = {
    "scheduling.booking": (OK, OK),
    "scheduling.location": (OK, OK),
    "scheduling.room": (OK, OK),
    "scheduling.feature": (OK, OK),
    "professionals.professional": (OK, OK),
    "billing.payment": (OK, OK),
    "billing.billingpolicy": (OK, OK),
    "accounts.invitation": (OK, OK),
    "billing.priceagreement": (NO, OK),
    "billing.statement": (NO, OK),
    "accounts.apitoken": (NO, OK),
    "auth.user": (NO, OK),
    "auth.group": (NO, OK),
    "account.emailaddress": (NO, OK),
    # Patients: read-only in the admin (written on the staff patient pages); who read what
    # and the change history are a manager's.
    "patients.patient": (OK, OK),
    "patients.relationship": (OK, OK),
    "patients.carelink": (OK, OK),
    "patients.patientread": (NO, OK),
    "patients.patientchange": (NO, OK),
    "billing.revenueagreement": (NO, OK),
    "scheduling.bookingchange": (NO, NO),
    "scheduling.slotclaim": (NO, NO),
    "scheduling.idempotencykey": (NO, NO),
    # Login throttling's records (axes): the superuser's, to unlock someone by hand.
    "axes.accessattempt": (NO, NO),
    "axes.accesslog": (NO, NO),
    "axes.accessfailurelog": (NO, NO),
}
# Adding what has rules: (reception, manager). Prices, places and users are a manager's.
ADMIN_ADDS = {
    "scheduling.booking": (OK, OK),
    "professionals.professional": (OK, OK),
    "scheduling.location": (NO, OK),
    "scheduling.room": (NO, OK),
    "billing.priceagreement": (NO, OK),
    "billing.billingpolicy": (NO, OK),
    "billing.revenueagreement": (NO, OK),
    "patients.patient": (NO, NO),
    "auth.user": (NO, OK),
}


@pytest.fixture
def world(location, room, pro_a, staff, manager, book, at):
    booking = book(room, pro_a, at("09:00"), at("10:00"))
    payment = billing.record_payment(
        professional=pro_a,
        amount="20.00",
        currency="EUR",
        method="card",
        received_on=None,  # today, in the location's zone
        by=staff,
        source=Source.BACKOFFICE,
    )
    statement = billing.issue_statement(
        pro_a, booking.starts_at.year, booking.starts_at.month, by=manager, source=Source.BACKOFFICE
    )
    users = {
        ANON: None,
        PRO: pro_a.user,
        RECEPTION: staff,
        MANAGER: manager,
        SUPER: StaffFactory(username="admin", is_superuser=True),
    }
    return {
        "users": users,
        "location": location.pk,
        "pro": pro_a.pk,
        "payment": payment.pk,
        "statement": statement.pk,
        "bookings": "bookings",
        "posts": {
            "calendar:location-policy": {
                "cancellation_deadline_hours": "48",
                "booking_horizon_days": "30",
                "portal_min_minutes": "60",
                "portal_max_minutes": "180",
                "approval_mode": "known",
            },
            "billing:payment-reverse": {"reason": "wrong professional"},
            "billing:statement-issue": {
                "professional": pro_a.pk,
                "month": f"{booking.starts_at:%Y-%m}",
            },
            "billing:batch-start": {"month": f"{booking.starts_at:%Y-%m}"},
        },
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        # Signed in without a password check: login throttling (axes) wants the request
        # that `client.login` does not give authenticate; the login forms have their tests.
        client.force_login(user)
    return client


def everything():
    from scheduling.models import Location

    return (
        snapshot(),
        billing_snapshot(),
        list(Location.objects.values_list("pk", "cancellation_deadline_hours", "approval_mode")),
    )


@pytest.mark.parametrize(
    ("name", "args", "method", "expected"),
    STAFF_PAGES,
    ids=[f"{method} {name}" for name, _, method, _ in STAFF_PAGES],
)
def test_each_role_opens_exactly_its_staff_pages(world, name, args, method, expected):
    url = reverse(name, args=[world[arg] for arg in args])
    # The refused first: an allowed POST changes things, and a refusal must change nothing.
    order = sorted(ROLES, key=lambda role: expected[ROLES.index(role)] < 400)
    for role in order:
        client = client_for(world["users"][role])
        before = everything()

        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, world["posts"].get(name, {}))

        want = expected[ROLES.index(role)]
        assert response.status_code == want, (role, url, response.content[:300])
        if want == LOGIN and role == ANON:
            assert "/login/?next=" in response["Location"]
        if want >= 400:
            assert everything() == before, f"a refused request changes nothing ({role})"
        if want == NO and role != ANON:
            assert "This page is not available to you" in response.content.decode()


def _admin_url(label: str, view: str) -> str:
    app_label, model = label.split(".")
    return reverse(f"admin:{app_label}_{model}_{view}")


def test_every_model_in_the_admin_has_a_role():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_LISTS)


@pytest.mark.parametrize("role", [RECEPTION, MANAGER, SUPER])
def test_each_role_sees_exactly_its_admin_lists(world, role):
    client = client_for(world["users"][role])
    for label in sorted(ADMIN_LISTS):
        want = OK if role == SUPER else ADMIN_LISTS[label][[RECEPTION, MANAGER].index(role)]
        response = client.get(_admin_url(label, "changelist"))
        assert response.status_code == want, (role, label)


@pytest.mark.parametrize("role", [RECEPTION, MANAGER])
def test_each_role_adds_exactly_what_it_may_in_the_admin(world, role):
    client = client_for(world["users"][role])
    for label in sorted(ADMIN_ADDS):
        want = ADMIN_ADDS[label][[RECEPTION, MANAGER].index(role)]
        response = client.get(_admin_url(label, "add"))
        assert response.status_code == want, (role, label)


def test_the_admin_index_lists_only_what_the_role_may_open(world):
    reception = client_for(world["users"][RECEPTION]).get(reverse("admin:index")).content.decode()
    manager = client_for(world["users"][MANAGER]).get(reverse("admin:index")).content.decode()
    superuser = client_for(world["users"][SUPER]).get(reverse("admin:index")).content.decode()
    assert "You don’t have permission" not in reception
    for page in (reception, manager):
        assert "Slot claims" not in page and "Idempotency keys" not in page
    assert "Slot claims" in superuser and "Idempotency keys" in superuser
    assert "Price agreements" in manager and "Price agreements" not in reception
    assert "Bookings" in reception and "Payments" in reception


def test_a_non_manager_cannot_reverse_from_the_billing_page_and_sees_why(world):
    page = client_for(world["users"][RECEPTION]).get(reverse("billing:overview")).content.decode()
    assert reverse("billing:payment-reverse", args=[world["payment"]]) not in page
    assert "A manager may reverse it" in page
    assert reverse("billing:export-page") not in page  # the menu offers no Exports
    manager = client_for(world["users"][MANAGER]).get(reverse("billing:overview")).content.decode()
    assert reverse("billing:payment-reverse", args=[world["payment"]]) in manager
    assert reverse("billing:export-page") in manager
