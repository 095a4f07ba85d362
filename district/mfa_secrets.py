"""Second-factor secrets encrypted at rest: the TOTP keys and recovery-code seeds allauth stores.

allauth keeps a TOTP authenticator's key and the recovery codes' seed in its Authenticator
table and hands them to its MFA adapter's encrypt()/decrypt() on the way in and out; left as
they are, anyone who reads a backup or the table can mint every staff member's codes. Here
they are encrypted with Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) under
keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS, Django's own rotation list:

- a value is written under the current SECRET_KEY and read under it or any fallback, so a
  rotation keeps everyone's authenticator working: move the old key to SECRET_KEY_FALLBACKS,
  run `manage.py mfa_secrets_rotate` (re-encrypts every secret under the new key), then drop
  the fallback (docs/operations.md);
- a stored value carries a version prefix; one without it was stored before encryption
  (migration district 0005 encrypts those) and is read as it is;
- a value no key opens is refused loudly (the SECRET_KEY changed without its fallback) rather
  than handed to allauth as if it were a key.
"""

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet1:"
# Keeps these keys apart from anything else derived from SECRET_KEY.
_PURPOSE = b"district.mfa_secrets.v1:"


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(_PURPOSE + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    """The current SECRET_KEY's key first (it encrypts), then each fallback's (they decrypt)."""
    return MultiFernet(
        [_fernet(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    )


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt_secret(text: str) -> str:
    return PREFIX + _keys().encrypt(text.encode()).decode("ascii")


def decrypt_secret(stored: str) -> str:
    if not is_encrypted(stored):
        return stored  # stored before secrets were encrypted
    try:
        return _keys().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A second-factor secret does not open with SECRET_KEY or SECRET_KEY_FALLBACKS: "
            "the key it was stored under is gone. Put the previous SECRET_KEY back in "
            "SECRET_KEY_FALLBACKS (or reset the staff member's MFA)."
        ) from error


def encrypted(stored: str) -> str:
    """The value as it should be stored: a plain one encrypted, an encrypted one as it is."""
    return stored if is_encrypted(stored) else encrypt_secret(stored)


def rotated(stored: str) -> str:
    """The value encrypted under the current SECRET_KEY (a plain value is encrypted)."""
    if not is_encrypted(stored):
        return encrypt_secret(stored)
    return PREFIX + _keys().rotate(stored[len(PREFIX) :].encode("ascii")).decode("ascii")


# The Authenticator.data fields allauth passes through encrypt(): a TOTP key, the recovery
# codes' seed, and recovery codes carried over from another MFA library.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def with_secrets(kind: str, data: dict, change) -> dict:
    """Authenticator data with `change` applied to each of its secrets (the rest as it is)."""
    data = dict(data)
    for name in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(name), str):
            data[name] = change(data[name])
    for name in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(name), list):
            data[name] = [change(value) for value in data[name]]
    return data


class DistrictMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
