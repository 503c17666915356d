"""Issue every missing statement of a month: `manage.py issue_statements 2026-10 [--email]`."""

from django.core.management.base import BaseCommand, CommandError

from billing import services
from billing.errors import BillingError
from billing.models import StatementBatch
from scheduling.models import Source


class Command(BaseCommand):
    help = "Issue all missing statements for a month (YYYY-MM), optionally emailing each."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--email", action="store_true", help="email each statement")
        parser.add_argument(
            "--resume", type=int, metavar="BATCH", help="carry on an unfinished batch"
        )

    def handle(self, *args, month: str, email: bool, resume: int | None, **options):
        try:
            year, number = (int(part) for part in month.split("-"))
        except ValueError:
            raise CommandError(f"{month!r} is not a month like 2026-10.") from None
        try:
            if resume:
                batch = StatementBatch.objects.get(pk=resume)
            else:
                batch = services.start_batch(
                    year, number, send_email=email, by=None, source=Source.SYSTEM
                )
        except (BillingError, StatementBatch.DoesNotExist) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Batch {batch.pk}: {batch.total} statements to issue.")
        while batch.finished_at is None:
            done = services.advance_batch(batch, limit=10, by=None, source=Source.SYSTEM)
            self.stdout.write(f"{done}/{batch.total}")
        self.stdout.write(self.style.SUCCESS(f"Done: {batch.total} statements."))
