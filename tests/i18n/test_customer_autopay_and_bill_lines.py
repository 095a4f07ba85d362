"""What a Spanish-speaking customer agrees to and reads: the autopay authorization (shown, and
kept verbatim as agreed) and its refusals, the bill's arrangement and payment lines, and the
district's letters."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.correspondence.kinds import KINDS
from accounts.correspondence.rendering import letter_render
from accounts.correspondence.seeds import seed_letter_templates
from billing.documents.pdf import bill_pdf_html
from billing.documents.selectors import bill_for_document
from district import roles
from payments.autopay.enrolment import EntryClass, authorization_text
from payments.models import AutopayEnrolment
from portal.models import AccountLink
from tests.arrangements.factories import active_arrangement
from tests.billing.factories import account_with_meter, make_bill
from tests.correspondence.helpers import lopez_account
from tests.factories import ServiceAccountFactory, post_bill, post_payment
from tests.i18n.test_customer_language import compiled_catalog  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db
D = datetime.date
SIX = [(D(2027, month, 15), Decimal("45.00")) for month in range(2, 8)]
BANK = {
    "holder_name": "Maria Lopez",
    "routing_number": "231380104",
    "account_number": "000123456789",
    "account_type": "checking",
    "agree": "on",
}


@pytest.fixture
def spanish_customer(client, make_user):
    user = make_user(roles.CUSTOMER)
    account = ServiceAccountFactory()
    account.customer.language = "es"
    account.customer.save(update_fields=["language"])
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    client.force_login(user)
    client.account = account
    return client


def _enrol_url(account) -> str:
    return reverse("payments:portal_autopay") + f"?account={account.pk}"


def test_the_autopay_authorization_reads_in_spanish_on_the_enrolment_page(spanish_customer):
    # given a Spanish-speaking customer
    # when they open autopay for their account
    html = spanish_customer.get(_enrol_url(spanish_customer.account)).content.decode()
    # then the authorization they are asked to agree to is Spanish, naming their account
    assert "Yo, [el titular de la cuenta], autorizo a" in html
    assert f"cuenta de servicio de agua {spanish_customer.account.number}" in html
    assert "Acepto al marcar" in html
    assert "authorize" not in html and "I agree by" not in html


def test_the_enrolment_keeps_the_spanish_authorization_the_customer_agreed_to(spanish_customer):
    # when the Spanish-speaking customer sets up autopay
    spanish_customer.post(_enrol_url(spanish_customer.account), BANK)
    # then the enrolment keeps, verbatim, the Spanish words with their name and masked account
    enrolment = AutopayEnrolment.objects.get(account=spanish_customer.account)
    assert enrolment.authorization_text.startswith("Yo, Maria Lopez, autorizo a")
    assert "****6789" in enrolment.authorization_text
    assert enrolment.authorization_text.endswith("«Acepto la autorización anterior».")


def test_a_refused_bank_account_is_explained_in_spanish_and_nothing_is_written(
    spanish_customer,
):
    # when the customer mistypes the routing number's check digit
    response = spanish_customer.post(
        _enrol_url(spanish_customer.account), {**BANK, "routing_number": "231380105"}
    )
    # then the page says why in Spanish, and no enrolment exists
    assert response.status_code == 200
    html = response.content.decode()
    assert "no pasa su dígito de control (el último dígito debería ser 4)" in html
    assert "fails its check digit" not in html
    assert not AutopayEnrolment.objects.exists()


def test_a_csrs_signed_form_authorization_stays_english():
    # given a CSR's page (English) and a customer's signed form
    account = ServiceAccountFactory()
    with translation.override("en"):
        text = authorization_text(
            entry_class=EntryClass.PPD, holder_name="Dana Ruiz", last4="6789", account=account
        )
    # then the kept words are the English form's
    assert text.startswith("I, Dana Ruiz, authorize ")
    assert text.endswith("I agree by signing this form.")


def test_the_spanish_bill_prints_its_arrangement_and_payment_lines_in_spanish():
    # given a Spanish-speaking customer in a six-installment arrangement who paid the first
    account, _meter = account_with_meter()
    account.customer.language = "es"
    account.customer.save(update_fields=["language"])
    post_bill(account, Decimal("270.00"), D(2027, 1, 5))
    active_arrangement(account, rows=SIX, arranged_on=D(2027, 1, 10))
    post_payment(account, Decimal("45.00"), D(2027, 2, 10), memo="")
    bill = make_bill(
        account, period_start=D(2027, 2, 1), period_end=D(2027, 2, 28), consumption=Decimal(10)
    )
    # when the bill is printed while English is active (a CSR opens it)
    with translation.override("en"):
        html = bill_pdf_html(bill_for_document(bill.pk))
    # then the installment line and the payment's kind are Spanish, the date in US order
    assert "Acuerdo de pago: cuota 2 de 6, vence el 03/15/2027: $45.00" in html
    assert "<td>Pago" in html
    assert "Payment arrangement" not in html and "<td>Payment" not in html


def test_the_english_bill_keeps_its_arrangement_and_payment_lines_in_english():
    # given the same arrangement for an English-speaking customer
    account, _meter = account_with_meter()
    post_bill(account, Decimal("270.00"), D(2027, 1, 5))
    active_arrangement(account, rows=SIX, arranged_on=D(2027, 1, 10))
    post_payment(account, Decimal("45.00"), D(2027, 2, 10), memo="")
    bill = make_bill(
        account, period_start=D(2027, 2, 1), period_end=D(2027, 2, 28), consumption=Decimal(10)
    )
    # when it is printed while Spanish is active, for a customer who reads English
    with translation.override("es"):
        html = bill_pdf_html(bill_for_document(bill.pk))
    # then the lines are English
    assert "Payment arrangement: installment 2 of 6, due Mar 15, 2027: $45.00" in html
    assert "<td>Payment" in html and "Acuerdo de pago" not in html


@pytest.mark.parametrize("key", ["high-use", "general"])
def test_a_spanish_speaking_customer_gets_every_starting_letter_in_spanish(key):
    # given the district's starting letters (written on migrate; again here for a reused database)
    seed_letter_templates()
    account = lopez_account(language="es")
    # when the letter is written to the Spanish-speaking customer (a bill run's high-use batch)
    letter = letter_render(key=key, account=account, context_extra=dict(KINDS[key].extra))
    # then it is the Spanish letter, tagged as Spanish, and nothing in it is the English text
    assert letter.language == "es"
    assert '<html lang="es">' in letter.html
    assert "Estimado(a) Maria Lopez:" in letter.html and "Atentamente" in letter.html
    assert "Dear" not in letter.html and "Sincerely" not in letter.html


def test_the_spanish_high_use_letter_reads_without_a_typical_use():
    seed_letter_templates()
    letter = letter_render(
        key="high-use", account=lopez_account(language="es"), context_extra={"usage_hcf": 40}
    )
    assert "muestra 40 cientos de pies cúbicos de agua, muy por encima de lo que su hogar" in (
        letter.html
    )
