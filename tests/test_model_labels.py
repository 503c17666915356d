"""Every field and model of ours has a translatable name, so admin forms, list filters and
error messages never fall back to an English name made from the code ("Location:")."""

from django.apps import apps
from django.utils.functional import Promise

OUR_APPS = ["accounts", "billing", "portal", "professionals", "scheduling"]


def test_every_field_and_model_has_a_translatable_name():
    missing = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            for attr in ("verbose_name", "verbose_name_plural"):
                if not isinstance(model._meta.original_attrs.get(attr), Promise):
                    missing.append(f"{model.__name__}.Meta.{attr}")
            for field in model._meta.get_fields():
                if getattr(field, "concrete", False) and not field.auto_created:
                    if not isinstance(getattr(field, "_verbose_name", None), Promise):
                        missing.append(f"{model.__name__}.{field.name}")
    assert not missing, "no translatable name: " + ", ".join(missing)
