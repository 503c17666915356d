"""The backoffice's URLs, one module per area and namespace (calendar, professionals,
billing), mounted by integra/urls.py."""
