"""Enrolment: the routing number's check digit, the number encrypted at rest, key rotation,
the prenote that turns an enrolment active, and who may enrol and cancel."""

import base64
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from district import roles
from district.errors import NotPermitted, ServiceError
from payments.autopay import crypto
from payments.autopay.drafting import prenotes_send
from payments.autopay.enrolment import autopay_cancel, prenotes_mature
from payments.autopay.nacha_check import nacha_check
from payments.autopay.nacha_read import nacha_read
from payments.models import AchFileRecord, AutopayEnrolment
from portal.models import AccountLink
from tests.factories import ServiceAccountFactory
from tests.payments.autopay.helpers import NUMBER, D, bank, enrol, signed_form

pytestmark = pytest.mark.django_db
OLD_KEY = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW_KEY = base64.urlsafe_b64encode(b"n" * 32).decode()


@pytest.fixture
def csr(make_user):
    return make_user(roles.CSR_I)


def test_a_routing_number_with_a_wrong_check_digit_is_refused(csr):
    from payments.autopay.enrolment import autopay_enrol_by_staff

    account = ServiceAccountFactory()
    with pytest.raises(ServiceError) as refused:
        autopay_enrol_by_staff(
            account_id=account.pk,
            bank=bank(routing="231380105"),
            signed_form=signed_form(),
            by=csr,
        )
    assert refused.value.message_dict == {
        "routing_number": [
            "The routing number 231380105 fails its check digit (the last digit should be 4): "
            "a digit was mistyped."
        ]
    }
    assert not AutopayEnrolment.objects.exists()


@pytest.mark.parametrize("number", ["123", "123456789012345678", "12345x789"])
def test_an_account_number_must_be_4_to_17_digits(csr, number):
    from payments.autopay.enrolment import autopay_enrol_by_staff

    with pytest.raises(ServiceError) as refused:
        autopay_enrol_by_staff(
            account_id=ServiceAccountFactory().pk,
            bank=bank(number),
            signed_form=signed_form(),
            by=csr,
        )
    assert refused.value.message_dict == {
        "account_number": ["The bank account number is 4 to 17 digits (no letters)."]
    }


def test_the_number_is_encrypted_in_the_database_and_decrypts(csr):
    enrolment = enrol(ServiceAccountFactory(), csr)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_number_encrypted FROM payments_autopayenrolment WHERE id = %s",
            [enrolment.pk],
        )
        (raw,) = cursor.fetchone()
    assert "123456789" not in raw
    assert crypto.decrypt_account_number(raw) == NUMBER
    assert enrolment.account_last4 == "6789"
    assert enrolment.masked_account == "****6789"
    assert enrolment.authorized_ip == "10.0.0.8"
    assert enrolment.authorized_by == csr
    assert enrolment.entry_class == "PPD"
    assert "****6789" in enrolment.authorization_text


def test_rotation_reencrypts_with_the_new_key_and_old_values_read_meanwhile(csr, settings):
    settings.AUTOPAY_KEYS = [OLD_KEY]
    enrolment = enrol(ServiceAccountFactory(), csr)
    old_token = enrolment.account_number_encrypted
    # a new key prepended: the old token still reads while the rotation has not run
    settings.AUTOPAY_KEYS = [NEW_KEY, OLD_KEY]
    assert crypto.decrypt_account_number(old_token) == NUMBER

    call_command("autopay_rotate_keys", stdout=io.StringIO())

    enrolment.refresh_from_db()
    assert enrolment.account_number_encrypted != old_token
    assert Fernet(NEW_KEY).decrypt(enrolment.account_number_encrypted.encode()) == NUMBER.encode()
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(enrolment.account_number_encrypted.encode())
    settings.AUTOPAY_KEYS = [NEW_KEY]  # the old key dropped after the rotation
    assert crypto.decrypt_account_number(enrolment.account_number_encrypted) == NUMBER


def test_a_prenote_goes_out_and_the_enrolment_turns_active_after_3_banking_days(csr):
    enrolment = enrol(ServiceAccountFactory(), csr, kind="savings")
    monday = D(2026, 12, 7)

    record = prenotes_send(on=monday, by=csr)

    enrolment.refresh_from_db()
    assert record.kind == AchFileRecord.Kind.PRENOTE
    assert enrolment.prenote_sent_on == monday
    assert enrolment.prenote_file == record
    data = crypto.decrypt_bytes(record.content)
    assert nacha_check(data) == []
    (entry,) = nacha_read(data).batches[0].entries
    assert (entry.transaction_code, entry.amount_cents) == (38, 0)  # savings prenote
    assert entry.trace_number == enrolment.prenote_trace_number
    assert prenotes_send(on=monday, by=csr) is None  # one prenote per bank account

    assert prenotes_mature(on=D(2026, 12, 9)) == []  # two banking days: still pending
    enrolment.refresh_from_db()
    assert enrolment.is_pending_prenote
    assert prenotes_mature(on=D(2026, 12, 10)) == [enrolment]
    enrolment.refresh_from_db()
    assert enrolment.is_active
    assert enrolment.active_from == D(2026, 12, 10)


def test_a_prenote_counts_banking_days_not_weekends(csr):
    enrolment = enrol(ServiceAccountFactory(), csr)
    prenotes_send(on=D(2026, 12, 10), by=csr)  # Thursday
    assert prenotes_mature(on=D(2026, 12, 14)) == []  # Fri, (weekend), Mon: two
    assert [e.pk for e in prenotes_mature(on=D(2026, 12, 15))] == [enrolment.pk]


def test_a_new_bank_account_replaces_the_live_enrolment(csr):
    account = ServiceAccountFactory()
    first = enrol(account, csr)
    second = enrol(account, csr, number="99887766")
    first.refresh_from_db()
    assert first.is_cancelled
    assert second.is_pending_prenote
    assert second.masked_account == "****7766"


@pytest.mark.parametrize("role", [roles.FINANCE, roles.FIELD_TECHNICIAN])
def test_only_roles_that_edit_accounts_enrol(make_user, role):
    with pytest.raises(NotPermitted):
        enrol(ServiceAccountFactory(), make_user(role))


def test_a_staff_enrolment_needs_the_signed_form(csr):
    from payments.autopay.enrolment import autopay_enrol_by_staff

    with pytest.raises(ServiceError) as refused:
        autopay_enrol_by_staff(
            account_id=ServiceAccountFactory().pk, bank=bank(), signed_form=None, by=csr
        )
    assert "signed_form" in refused.value.message_dict


def test_the_customer_or_a_csr_cancels_but_not_another_customer(csr, make_user):
    owner, stranger = make_user(roles.CUSTOMER), make_user(roles.CUSTOMER)
    account = ServiceAccountFactory()
    AccountLink.objects.create(user=owner, service_account=account, method="staff")
    enrolment = enrol(account, csr)
    with pytest.raises(NotPermitted):
        autopay_cancel(enrolment_id=enrolment.pk, by=stranger)
    assert autopay_cancel(enrolment_id=enrolment.pk, by=owner).is_cancelled
    with pytest.raises(ServiceError) as refused:
        autopay_cancel(enrolment_id=enrolment.pk, by=csr)
    assert refused.value.messages == [f"{enrolment} is cancelled: it cannot be cancelled."]
