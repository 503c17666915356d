"""The admin's number fields read and show amounts as the reader's language writes them:
"42,50" in Portuguese, "42.50" in English and Peruvian Spanish."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import translation

from scheduling.models import Room

pytestmark = pytest.mark.django_db


def room_form(manager, room, price: str):
    request = RequestFactory().post("/")
    request.user = manager
    model_admin = admin.site._registry[Room]
    form_class = model_admin.get_form(request, room)
    data = {k: v for k, v in model_to_dict(room).items() if v is not None}
    data["features"] = [f.pk for f in room.features.all()]
    data["hourly_price"] = price
    return form_class(data, instance=room)


@pytest.mark.parametrize(
    ("language", "typed", "shown"),
    [
        ("pt-br", "42,50", "42,50"),
        ("pt-pt", "42,50", "42,50"),
        ("es", "42.50", "42.50"),
        ("en", "42.50", "42.50"),
    ],
)
def test_a_price_typed_the_readers_way_is_read_and_shown_that_way(
    manager, room, language, typed, shown
):
    with translation.override(language):
        form = room_form(manager, room, typed)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["hourly_price"] == Decimal("42.50")
        room.hourly_price = Decimal("42.50")
        request = RequestFactory().get("/")
        request.user = manager
        unbound = admin.site._registry[Room].get_form(request, room)(instance=room)
        assert f'value="{shown}"' in str(unbound["hourly_price"])
