"""Conversion from an old CIS: the top of the app list, it writes into every area below it."""

from django.apps import AppConfig


class ConversionConfig(AppConfig):
    name = "conversion"
    label = "conversion"
    verbose_name = "Conversion from the old system"
