"""Integrations: tokens for the district's other systems and the /api/v1/ resources."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    label = "integrations"
    verbose_name = "Integrations"
