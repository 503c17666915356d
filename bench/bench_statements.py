"""Statement benchmark: issue one statement with 200 charges, and every statement of a
month for 50 professionals (build, render with weasyprint, store).

    uv run python bench/bench_statements.py [--runs 7] [--postgres DBNAME] [--profile]

Prints median, p95 and p99 of several runs, with the process's CPU time beside the wall
time and the machine's load (the development machine's two cores are shared); never
passes or fails on time. It creates its own database (a SQLite file under var/, or the
PostgreSQL database named, dropped first). --profile also prints where one 200-charge
statement spends its time (cProfile, by phase and by function).
Targets: one statement < 1 s, a month of 50 statements < 30 s."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def use_database(postgres: str | None) -> None:
    if postgres:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{postgres}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{postgres}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{postgres}"
    else:
        path = ROOT / "var" / "bench-statements.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integra.settings")
    # A benchmark runs with DEBUG off, like production; its key is its own.
    os.environ.setdefault("SECRET_KEY", "integra-benchmark-only-not-a-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<46} runs={len(values):>2}  median={statistics.median(values):7.3f} s  "
        f"p95={percentile(values, 0.95):7.3f} s  p99={percentile(values, 0.99):7.3f} s"
    )


def machine_speed() -> float:
    """Seconds for a fixed piece of pure-Python work: compares runs on a busy machine."""
    begin = time.process_time()
    sum(i * i for i in range(2_000_000))
    return time.process_time() - begin


def phases(heavy) -> None:
    """CPU time of each phase of one statement: compute, template, weasyprint layout,
    PDF writing."""
    import weasyprint
    from django.utils import timezone

    from billing import statement_document as statements

    today = timezone.now().date()
    spent: dict[str, list[float]] = {"compute": [], "template": [], "layout": [], "pdf": []}
    for _ in range(5):
        begin = time.process_time()
        content = statements.build(heavy, 2026, 9, "EUR")
        spent["compute"].append(time.process_time() - begin)
        begin = time.process_time()
        html = statements.statement_html(
            content, number="2026-09-9999", version=1, replaces=None, issued_on=today
        )
        spent["template"].append(time.process_time() - begin)
        begin = time.process_time()
        document = weasyprint.HTML(
            string=html,
            base_url=statements.STATIC_BASE,
            url_fetcher=statements.StaticOnlyFetcher(),
        ).render(stylesheets=[statements.stylesheet()])
        spent["layout"].append(time.process_time() - begin)
        begin = time.process_time()
        document.write_pdf()
        spent["pdf"].append(time.process_time() - begin)
    print("one 200-charge statement, CPU time by phase (median of 5):")
    for name, values in spent.items():
        print(f"  {name:<10} {statistics.median(values) * 1000:7.0f} ms")


def profile(heavy) -> None:
    import cProfile
    import pstats

    from django.utils import timezone

    from billing import statement_document as statements

    content = statements.build(heavy, 2026, 9, "EUR")
    profiler = cProfile.Profile()
    profiler.enable()
    statements.render_pdf(
        content, number="2026-09-9999", version=1, replaces=None, issued_on=timezone.now().date()
    )
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def seed(professionals: int, per_month: int, months: list[tuple[int, int]]):
    """Bookings through the booking service (after the fact, allow_past), some executed,
    some no-shows, some cancelled late, plus a payment per professional and month."""
    from datetime import date, datetime
    from datetime import time as clock
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from billing.services import record_payment
    from professionals.models import Professional
    from scheduling import services
    from scheduling.models import Location, OpeningHours, Room, Source

    location = Location.objects.create(
        name="Lisboa Centro", address="Rua Augusta 100", tz="Europe/Lisbon", currency="EUR"
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=d, opens=clock(7), closes=clock(22))
        for d in range(7)
    )
    rooms = [
        Room.objects.create(location=location, name=f"Sala {n}", hourly_price=Decimal("37.50"))
        for n in range(1, 11)
    ]
    users = get_user_model()
    staff = users.objects.create_user("bench-staff", is_staff=True)
    pros = [
        Professional.objects.create(
            user=users.objects.create_user(f"pro{n}"),
            name=f"Professional {n:02d}",
            email=f"pro{n}@bench.test",
            profession="Psychologist",
        )
        for n in range(professionals)
    ]
    for year, month in months:
        for index, pro in enumerate(pros):
            room = rooms[index % len(rooms)]
            for k in range(per_month):
                day = date(year, month, 1 + k % 28)
                hour = 7 + (index // len(rooms)) * 3 + (k // 28)
                starts = datetime.combine(day, clock(hour), tzinfo=location.zone)
                ends = datetime.combine(day, clock(hour, 45), tzinfo=location.zone)
                booking = services.book(
                    room=room,
                    professional=pro,
                    starts_at=starts,
                    ends_at=ends,
                    by=staff,
                    source=Source.SYSTEM,
                    allow_past=True,
                )
                if k % 10 == 3:
                    services.mark_no_show(booking, by=staff, source=Source.SYSTEM)
                elif k % 10 == 7:
                    services.cancel(booking, by=staff, source=Source.SYSTEM)
                elif k % 2:
                    services.mark_executed(booking, by=staff, source=Source.SYSTEM)
            record_payment(
                professional=pro,
                amount="100.00",
                currency="EUR",
                method="card",
                received_on=date(year, month, 15),
                by=staff,
                source=Source.SYSTEM,
            )
    return staff, pros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="DBNAME")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"1-minute load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    use_database(args.postgres)

    from billing.models import Statement, StatementBatch
    from billing.services import advance_batch, issue_statement, start_batch
    from scheduling.models import Source

    batch_months = [(2026, m) for m in (6, 7, 8)]
    started = time.perf_counter()
    staff, pros = seed(professionals=50, per_month=20, months=batch_months)
    _staff, (heavy,) = staff, seed_heavy(staff)
    print(f"seeded in {time.perf_counter() - started:.1f} s (through the booking service)")

    single, single_cpu = [], []
    for _ in range(args.runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        statement = issue_statement(heavy, 2026, 9, by=staff, source=Source.SYSTEM)
        single.append(time.perf_counter() - begin)
        single_cpu.append(time.process_time() - begin_cpu)
    print(f"heavy statement: {statement.line_count} charges, {len(bytes(statement.pdf))} bytes")
    phases(heavy)
    if args.profile:
        profile(heavy)

    months, months_cpu = [], []
    for year, month in batch_months:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        batch = start_batch(year, month, send_email=False, by=staff, source=Source.SYSTEM)
        while batch.finished_at is None:
            advance_batch(batch, limit=10, by=staff, source=Source.SYSTEM)
        months.append(time.perf_counter() - begin)
        months_cpu.append(time.process_time() - begin_cpu)
        assert Statement.objects.filter(batch=batch).count() == batch.total
    print(f"batches: {StatementBatch.objects.count()} × {batch.total} statements")
    print(f"1-minute load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"machine speed (fixed Python work, lower is faster): {machine_speed():.3f} s")
    print(line("one statement, 200 charges (target < 1 s)", single))
    print(line("  same, CPU time of this process", single_cpu))
    print(line("all 50 statements of a month (target < 30 s)", months))
    print(line("  same, CPU time of this process", months_cpu))
    rate = batch.total / statistics.median(months)
    print(f"{'  throughput':<46} {rate:.1f} statements/s")


def seed_heavy(staff):
    """One professional with 200 charges in September 2026."""
    from datetime import date, datetime
    from datetime import time as clock

    from django.contrib.auth import get_user_model

    from professionals.models import Professional
    from scheduling import services
    from scheduling.models import Room, Source

    pro = Professional.objects.create(
        user=get_user_model().objects.create_user("heavy"),
        name="Helena Heavy",
        email="heavy@bench.test",
        profession="Physiotherapist",
    )
    rooms = list(Room.objects.order_by("name"))
    made = 0
    for day in range(1, 31):
        for hour in range(7, 14):
            if made == 200:
                return (pro,)
            zone = rooms[0].location.zone
            starts = datetime.combine(date(2026, 9, day), clock(hour), tzinfo=zone)
            booking = services.book(
                room=rooms[(day + hour) % len(rooms)],
                professional=pro,
                starts_at=starts,
                ends_at=starts.replace(minute=45),
                by=staff,
                source=Source.SYSTEM,
                allow_past=True,
            )
            services.mark_executed(booking, by=staff, source=Source.SYSTEM)
            made += 1
    return (pro,)


if __name__ == "__main__":
    main()
