"""Second-factor secrets are stored encrypted (district.mfa_secrets): what the table holds opens
nothing by itself, sign-in still works, a SECRET_KEY rotation keeps authenticators working, and
secrets stored before are encrypted by the migration."""

import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from district import mfa_secrets, roles
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The data migration's functions (a module name starting with a digit: imported by path).
migration = __import__("district.migrations.0005_mfa_secrets_encrypted", fromlist=["encrypt"])


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _stored(user, kind) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def test_the_totp_key_and_recovery_seed_are_stored_encrypted(make_user):
    user = make_user(roles.CSR_I)
    TOTP.activate(user, SECRET)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    totp, recovery = _stored(user, "totp"), _stored(user, "recovery_codes")
    assert totp["secret"].startswith(mfa_secrets.PREFIX) and SECRET not in str(totp)
    assert recovery["seed"].startswith(mfa_secrets.PREFIX)
    # Read back through allauth they are what was set up.
    stored = Authenticator.objects.get(user=user, type="recovery_codes")
    assert RecoveryCodes(stored).get_unused_codes() == codes
    assert mfa_secrets.decrypt_secret(totp["secret"]) == SECRET


def test_a_staff_member_signs_in_with_the_code_of_an_encrypted_key(client, make_user):
    user = make_user(roles.SUPERVISOR)
    TOTP.activate(user, SECRET)
    client.post(reverse("login"), {"login": user.username, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _code(SECRET)})
    assert client.get(reverse("home")).status_code == 200


def test_a_rotated_secret_key_keeps_authenticators_working(make_user, settings):
    # given: a key stored under the old SECRET_KEY
    user = make_user(roles.CSR_I)
    TOTP.activate(user, SECRET)
    old_key = settings.SECRET_KEY
    before = _stored(user, "totp")["secret"]
    # when: the key rotates with the old one as a fallback, then the secrets are re-encrypted
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old_key]
    assert mfa_secrets.decrypt_secret(before) == SECRET
    out = io.StringIO()
    call_command("mfa_secrets_rotate", stdout=out)
    assert out.getvalue().startswith("1 authenticators re-encrypted")
    # then: it opens without the fallback
    settings.SECRET_KEY_FALLBACKS = []
    after = _stored(user, "totp")["secret"]
    assert after != before and mfa_secrets.decrypt_secret(after) == SECRET
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FALLBACKS"):
        mfa_secrets.decrypt_secret(before)


def test_the_migration_encrypts_secrets_stored_plain_once(make_user):
    # given: secrets stored before encryption (as allauth's default adapter wrote them)
    user = make_user(roles.CSR_I)
    Authenticator.objects.create(user=user, type="totp", data={"secret": SECRET})
    Authenticator.objects.create(
        user=user,
        type="recovery_codes",
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    # when: migrated, twice
    migration.encrypt(apps, None)
    once = {kind: _stored(user, kind) for kind in ("totp", "recovery_codes")}
    migration.encrypt(apps, None)
    # then: each secret encrypted, the rest as it was, and the second run changed nothing
    assert {kind: _stored(user, kind) for kind in once} == once
    assert mfa_secrets.decrypt_secret(once["totp"]["secret"]) == SECRET
    recovery = once["recovery_codes"]
    assert mfa_secrets.decrypt_secret(recovery["seed"]) == "ab" * 40
    assert [mfa_secrets.decrypt_secret(code) for code in recovery["migrated_codes"]] == ["12345678"]
    assert recovery["used_mask"] == 0
    # and backwards, the plain values again
    migration.decrypt(apps, None)
    assert _stored(user, "totp") == {"secret": SECRET}
