"""Each location's booking policy (what binds professionals' own bookings, and who may
waive a late-cancellation fee): every staff member reads it, only a manager changes it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import permission_required, staff_required
from accounts.audit import actor_from_request
from scheduling import services
from scheduling.access import location_for
from scheduling.models import Location, Source
from scheduling.policy import POLICY_FIELDS


class LocationPolicyForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = POLICY_FIELDS


@staff_required
def policy_list(request):
    return render(
        request,
        "backoffice/calendar/location_policy_list.html",
        {"locations": Location.objects.order_by("name")},
    )


@permission_required("scheduling.change_location")
def policy_edit(request, pk: int):
    location = location_for(request.user, pk)
    form = LocationPolicyForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        services.save_location(
            location,
            {field: form.cleaned_data[field] for field in POLICY_FIELDS},
            **actor_from_request(request, Source.BACKOFFICE).as_kwargs(),
        )
        messages.success(request, _("Policy of %(name)s saved.") % {"name": location.name})
        return redirect("calendar:location-policies")
    return render(
        request,
        "backoffice/calendar/location_policy_form.html",
        {"form": form, "location": location},
    )
