"""The project's ASGI application plus static files, for browser tests served by daphne
(daphne alone does not serve /static/)."""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from integra.asgi import application as project_application

application = ASGIStaticFilesHandler(project_application)
