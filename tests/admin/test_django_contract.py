"""What our admin adapter relies on in Django's private API: if an upgrade changes it,
this fails and says what to look at (backoffice.admin.bookings.changeform_outside_transaction)."""

import inspect

from django.contrib.admin.options import ModelAdmin


def test_djangos_changeform_view_still_wraps_the_private_view_in_a_transaction():
    source = inspect.getsource(ModelAdmin.changeform_view)
    assert "transaction.atomic" in source, "changeform_view no longer opens a transaction"
    assert "self._changeform_view(request, object_id, form_url, extra_context)" in source


def test_the_private_view_keeps_the_signature_the_adapter_calls():
    parameters = list(inspect.signature(ModelAdmin._changeform_view).parameters)
    assert parameters == ["self", "request", "object_id", "form_url", "extra_context"]
