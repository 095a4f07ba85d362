"""Bank account numbers encrypted at rest: cryptography's MultiFernet over AUTOPAY_KEYS.

AUTOPAY_KEYS (environment, read by settings with django-environ) lists Fernet keys separated by
commas, newest first. The newest encrypts; every key listed decrypts, so a rotation is: prepend
a new key, deploy, run `manage.py autopay_rotate_keys` (re-encrypts every stored number with the
newest key), then drop the old key. In DEBUG or TESTING without keys a fixed development key is
used; it is public (it is in this file), so it never protects a real number.
"""

import base64

import environ
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# 32 bytes of text, base64: the development key (public, never used with DEBUG and TESTING off).
DEVELOPMENT_KEY = base64.urlsafe_b64encode(b"mesa-verde-autopay-dev-key-00001").decode()


def configured_keys() -> list[str]:
    """The Fernet keys, newest first: settings.AUTOPAY_KEYS, else the environment's."""
    keys = getattr(settings, "AUTOPAY_KEYS", None)
    if keys is None:
        keys = environ.Env().list("AUTOPAY_KEYS", default=[])
    if isinstance(keys, str):
        keys = keys.split(",")
    keys = [key.strip() for key in keys if key and key.strip()]
    if keys:
        return keys
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return [DEVELOPMENT_KEY]
    raise ImproperlyConfigured(
        "AUTOPAY_KEYS is not set: give one or more Fernet keys (newest first) to keep bank "
        "account numbers encrypted. Make one with: python -c 'from cryptography.fernet import "
        "Fernet; print(Fernet.generate_key().decode())'."
    )


def _multi_fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in configured_keys()])
    except ValueError as error:
        raise ImproperlyConfigured(
            "An AUTOPAY_KEYS key is not a Fernet key (32 bytes, url-safe base64)."
        ) from error


def encrypt_account_number(digits: str) -> str:
    """The Fernet token of a bank account number, with the newest key."""
    return _multi_fernet().encrypt(digits.encode("ascii")).decode("ascii")


def decrypt_account_number(token: str) -> str:
    """The digits back; ImproperlyConfigured when no key listed opens the token (a key was
    dropped before the rotation finished)."""
    try:
        return _multi_fernet().decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "No AUTOPAY_KEYS key opens a stored bank account number: a key was removed before "
            "`manage.py autopay_rotate_keys` re-encrypted everything with the newest key."
        ) from error


def reencrypt(token: str) -> str:
    """The same number encrypted with the newest key (MultiFernet.rotate)."""
    try:
        return _multi_fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "No AUTOPAY_KEYS key opens a stored bank account number."
        ) from error


def encrypt_bytes(data: bytes) -> str:
    """A Fernet token of a whole file (an ACH file holds every account number in clear)."""
    return _multi_fernet().encrypt(data).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    try:
        return _multi_fernet().decrypt(token.encode("ascii"))
    except InvalidToken as error:
        raise ImproperlyConfigured("No AUTOPAY_KEYS key opens a stored ACH file.") from error


def mask(last4: str) -> str:
    """How a bank account number is shown everywhere: ****6789."""
    return f"****{last4}"
