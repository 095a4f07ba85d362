"""System checks for settings a deployment gets wrong: `manage.py check --deploy` runs them."""

import ipaddress

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_private(app_configs, **kwargs):
    """A SECRET_KEY printed in this repository signs sessions and reset links anyone could forge."""
    if settings.SECRET_KEY.strip() in settings.PUBLIC_SECRET_KEYS:
        return [
            checks.Error(
                "SECRET_KEY is unset or is the repository's development or example value.",
                hint="Set SECRET_KEY to a long random string in the environment or .env.",
                id="district.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def trusted_proxies_are_addresses(app_configs, **kwargs):
    errors = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                checks.Error(
                    f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network.",
                    hint="List addresses or networks, e.g. 10.0.0.5,172.18.0.0/16.",
                    id="district.E002",
                )
            )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def payment_gateway_is_real(app_configs, **kwargs):
    """The sandbox processor marks any checkout paid at a click: a customer's balance would be
    credited with money no processor ever took. Only a DEBUG (demo or development) site uses it."""
    if settings.PAYMENT_GATEWAY == "sandbox" and not settings.DEBUG:
        return [
            checks.Error(
                "PAYMENT_GATEWAY is 'sandbox' (the offline stand-in processor) with DEBUG off.",
                hint="Set PAYMENT_GATEWAY=stripe with STRIPE_SECRET_KEY and "
                "STRIPE_WEBHOOK_SECRET in the environment.",
                id="district.E003",
            )
        ]
    return []
