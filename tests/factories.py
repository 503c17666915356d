"""Factories build plain rows. Bookings are never built here: tests make them through the
booking service (see the `book` fixture), so they cannot create states the product cannot."""

from datetime import date, time
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from patients.models import Patient
from professionals.models import Professional
from scheduling.models import Location, OpeningHours, Room

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    """Reception by default; `role="manager"` for a manager (see ManagerFactory)."""

    is_staff = True
    first_name = "Rita"
    last_name = "Reception"

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=extracted or roles.RECEPTION))


class ManagerFactory(StaffFactory):
    first_name = "Marta"
    last_name = "Manager"
    role = factory.PostGeneration(
        lambda obj, create, extracted, **kwargs: (
            create and obj.groups.add(Group.objects.get(name=extracted or roles.MANAGER))
        )
    )


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Clinic {n}")
    address = factory.Sequence(lambda n: f"Rua das Flores {n}")
    tz = "Europe/Lisbon"
    currency = "EUR"

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Open every day 07:00–22:00 unless `hours=[(weekday, opens, closes), ...]`."""
        if not create:
            return
        rows = (
            extracted if extracted is not None else [(day, time(7), time(22)) for day in range(7)]
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=obj, weekday=d, opens=o, closes=c) for d, o, c in rows
        )


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    hourly_price = Decimal("40.00")


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Dr. Professional {n}")
    profession = "Psychologist"
    registration_number = factory.Sequence(lambda n: f"CRP-{n:05d}")
    email = factory.LazyAttribute(lambda p: p.user.email)
    phone = factory.Sequence(lambda n: f"+351 91{n:07d}")


class PatientFactory(factory.django.DjangoModelFactory):
    """A plain adult patient; tests that need rules (guardians, care team, erasure) go
    through patients.services."""

    class Meta:
        model = Patient

    first_name = factory.Sequence(lambda n: f"Paciente{n}")
    last_name = factory.Sequence(lambda n: f"Silva{n}")
    birth_date = factory.Sequence(lambda n: date(1980 + n % 20, 1 + n % 12, 1 + n % 28))
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
