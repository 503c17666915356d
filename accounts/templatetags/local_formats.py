"""Template filters for accounts.formats: `{% load local_formats %}` then
`{{ start|day }}`, `{{ start|short_day }}`, `{{ start|hm }}`, `{{ start|moment }}`,
`{{ start|month }}`, `{{ start|numeric_day }}`. Pass times already in their location's zone
(the `|local:` filter); an empty value gives an empty string."""

from django import template

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
    formats.numeric_day,
    formats.month,
    formats.hm,
    formats.moment,
    formats.offset,
):
    _filter(_function)
