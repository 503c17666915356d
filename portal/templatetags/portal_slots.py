from django import template

from portal.chips import chips_html

register = template.Library()


@register.simple_tag
def chips(choices, minutes, moving=None):
    """{% chips part.choices minutes moving %}: the start-time buttons of a part of a day."""
    return chips_html(choices, minutes=minutes, moving_id=getattr(moving, "pk", None))
