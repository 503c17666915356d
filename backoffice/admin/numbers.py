"""Admin forms read and show numbers as the reader's language writes them: "90,00" and
"42,50" in Portuguese, "90.00" in English and Peruvian Spanish (Django's localized
DecimalField, with the formats of integra/formats where ours differ from Django's)."""

from django.db import models


class LocalNumbers:
    """Mix into a ModelAdmin, before the admin class."""

    formfield_overrides = {models.DecimalField: {"localize": True}}
