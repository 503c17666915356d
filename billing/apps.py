from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # The booking service prices a booking and fixes a late charge through this port
        # (scheduling sits below billing and cannot import it).
        from scheduling import charging

        from . import charge_rules, pricing

        charging.install(price=pricing.booking_price, fix_charge=charge_rules.fix)
