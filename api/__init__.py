"""The HTTP API's routers and schemas (django-ninja), one module per area; integra/api.py
mounts them under /api/v1/. An interface layer: it calls the domain services and nothing
below imports it."""
