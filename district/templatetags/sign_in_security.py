"""Template tags of the sign-in pages (allauth's MFA page in templates/mfa/index.html)."""

from django import template

from district.staff_mfa import offers_security_keys

register = template.Library()


@register.simple_tag
def security_keys_offered(user) -> bool:
    """Supervisors and administrators are offered WebAuthn security keys besides the app."""
    return user.is_authenticated and offers_security_keys(user)
