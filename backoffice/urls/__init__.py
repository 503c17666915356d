"""The backoffice's URLs, one module per area and namespace (calendar, professionals,
patients, billing), mounted by integra/urls.py."""
