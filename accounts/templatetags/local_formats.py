"""Template filters for accounts.formats: `{% load local_formats %}` then
`{{ start|day }}`, `{{ start|short_day }}`, `{{ start|hm }}`, `{{ start|moment }}`,
`{{ start|month }}`, `{{ first|days_to:last }}` and the rest of accounts.formats. Pass
times already in their location's zone (the `|local:` filter); an empty value gives an
empty string."""

from django import template
from django.conf import settings

from accounts import formats

register = template.Library()


def _filter(function):
    def apply(value):
        return "" if value in (None, "") else function(value)

    apply.__name__ = function.__name__
    return register.filter(function.__name__, apply)


for _function in (
    formats.day,
    formats.short_day,
    formats.long_day,
    formats.full_day,
    formats.long_date,
    formats.medium_date,
    formats.numeric_day,
    formats.dated_day,
    formats.day_month,
    formats.weekday,
    formats.weekday_day,
    formats.month,
    formats.month_numeric,
    formats.hm,
    formats.moment,
    formats.short_moment,
    formats.offset,
):
    _filter(_function)


@register.filter
def days_to(first, last):
    """`{{ first|days_to:last }}`: "2 – 8 Dec 2026"."""
    return formats.days(first, last)


@register.simple_tag
def language_choices():
    """The languages we speak, each named as its readers write it ("English", "Português
    (Brasil)"): what a switch offers. ({% get_available_languages %} would translate the
    names into the current language, so a Brazilian page would offer "Inglês".)"""
    return settings.LANGUAGES
