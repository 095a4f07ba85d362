"""Password rules beyond Django's own validators (OWASP ASVS 4.0.3 V2.1, see docs/security.md).

ASVS 2.1.2 asks that passphrases of 64 characters and more are accepted and that passwords
longer than 128 characters are refused (hashing an unbounded input is a denial of service);
the minimum of 12 (2.1.1) is Django's MinimumLengthValidator, configured in settings.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Refuses a password longer than `max_length` characters (128 by default)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must be at most %(max_length)d character.",
                    "This password is too long. It must be at most %(max_length)d characters.",
                    self.max_length,
                )
                % {"max_length": self.max_length},
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Your password can be at most %(max_length)d characters long.") % {
            "max_length": self.max_length
        }
