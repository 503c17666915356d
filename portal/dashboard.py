"""My month: the portal's charts of a professional's activity (billing.activity): booked
hours, spend, and executed vs no-show per week and per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts import formats
from billing import activity
from billing.activity import Activity, Period, add_months, month_end, month_start, week_start
from billing.money import format_money

from . import charts

__all__ = ["Dashboard", "Period", "add_months", "build", "month_end", "month_start", "week_start"]


@dataclass
class Dashboard(Activity):
    def hours_by_week(self):
        return charts.bars(
            [(formats.day_month(w.first_day), float(w.hours)) for w in self.weeks], unit="h"
        )

    @property
    def any_marked(self) -> bool:
        return any(p.executed or p.no_show for p in self.weeks + self.months)

    def attendance_by_week(self):
        return charts.stacked(
            [(formats.day_month(w.first_day), w.executed, w.no_show) for w in self.weeks]
        )

    def hours_by_month(self):
        return charts.bars(
            [(formats.month_numeric(m.first_day), float(m.hours)) for m in self.months], unit="h"
        )

    def attendance_by_month(self):
        return charts.stacked(
            [(formats.month_numeric(m.first_day), m.executed, m.no_show) for m in self.months]
        )

    def spend_by_month(self):
        return [
            (
                currency,
                charts.bars(
                    [
                        (formats.month_numeric(m.first_day), float(m.spend.get(currency, 0)))
                        for m in self.months
                    ],
                    unit="",
                    describe=lambda value, c=currency: format_money(Decimal(str(value)), c),
                ),
            )
            for currency in self.currencies
        ]


def build(professional, month: date, *, months_shown: int = 6) -> Dashboard:
    """The dashboard of `month` (its first day); see billing.activity.build."""
    found = activity.build(professional, month, months_shown=months_shown)
    return Dashboard(found.month, found.weeks, found.months, found.currencies)
