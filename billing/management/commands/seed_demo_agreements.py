"""The demo's revenue agreements (run by scheduling's `seed_demo`, which may not import
billing): every other professional works on commission, alone or beside the hourly rent,
the clinic keeping 30–40 % of each session; who collects the patient's money is mixed.
Through billing.services.revenue, as a manager from the admin. Deterministic by --seed."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.audit import Source
from billing.models import Collector, RevenueAgreement, ShareModel
from billing.services.revenue import save_revenue_agreement
from professionals.models import Professional


class Command(BaseCommand):
    help = "Put half the demo professionals on commission (run by seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        if RevenueAgreement.objects.exists():
            return
        rng = random.Random(seed)
        manager = get_user_model().objects.filter(username="manager").first()
        started = timezone.now().date() - timedelta(days=120)
        made = 0
        for index, professional in enumerate(Professional.objects.order_by("pk")):
            if index % 2:
                continue
            save_revenue_agreement(
                RevenueAgreement(),
                {
                    "professional": professional,
                    "valid_from": started,
                    "model": ShareModel.COMMISSION if rng.random() < 0.6 else ShareModel.BOTH,
                    "clinic_share_percent": Decimal(rng.choice((30, 32, 35, 38, 40))),
                    "collector": Collector.CLINIC if index % 4 == 0 else Collector.PROFESSIONAL,
                },
                by=manager,
                source=Source.ADMIN,
            )
            made += 1
        self.stdout.write(f"{made} professionals on commission")
