"""Second-factor secrets stored before they were encrypted are encrypted (district.mfa_secrets).

Each TOTP key and recovery-code seed is rewritten under the current SECRET_KEY; a value
already encrypted is left alone, so running it twice changes nothing. Backwards: decrypted
again (the code before this migration reads them plain).
"""

from django.db import migrations

from district.mfa_secrets import decrypt_secret, encrypted, with_secrets


def _rewrite(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=("totp", "recovery_codes")):
        data = with_secrets(authenticator.type, authenticator.data, change)
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt(apps, schema_editor) -> None:
    _rewrite(apps, encrypted)


def decrypt(apps, schema_editor) -> None:
    _rewrite(apps, decrypt_secret)


class Migration(migrations.Migration):
    dependencies = [
        ("district", "0004_staff_authenticator_events"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
