"""The notes our code writes in English on a customer's records (a bill line's proration note,
a payment's or fee's memo) print in the customer's language on the bill PDF and the customer's
bill page; the records, the staff pages and an English bill keep the English; a note the code
does not write (a staff member's own memo) prints as stored."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.programs.credits import CreditTerms, program_credits
from billing.documents.pdf import bill_pdf_html
from billing.documents.selectors import bill_for_document
from billing.models import BillLine
from billing.rates import calculate, parse_schedule
from district import customer_notes, roles
from district.customer_notes import memo_in_language, proration_in_language
from payments.counter.services.taking import DEPOSIT_MEMO
from payments.models import PaymentBatch, Tender
from payments.returns.services import tender_label
from portal.models import AccountLink
from tests.billing.factories import account_with_meter, make_bill
from tests.factories import post_bill, post_credit, post_payment
from tests.i18n.test_customer_language import compiled_catalog  # noqa: F401 (autouse)

D = datetime.date
SCHEDULE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "district-water.yaml"

# Each note as the code writes it, and as a Spanish-speaking customer reads it.
PRORATION_NOTES = [
    ("prorated 45/30 days", "prorrateado: 45/30 días"),
    ("prorated 45/30.4167 days", "prorrateado: 45/30.4167 días"),
    ("32 of 45 days in effect", "32 de 45 días en vigor"),
    ("11 of 31 days enrolled", "11 de 31 días con inscripción en el programa"),
    ("15 of 30 days at v1", "15 de 30 días con las tarifas v1"),
    (
        "prorated 45/30 days; 15 of 45 days at water v2 (07/01/2025)",
        "prorrateado: 45/30 días; 15 de 45 días con las tarifas water v2 (07/01/2025)",
    ),
]
MEMOS = [
    ("Payment, receipt 2027-00000123", "Pago, recibo 2027-00000123"),
    ("Deposit paid, receipt 2027-00000124", "Depósito pagado, recibo 2027-00000124"),
    ("Payment, Mail batch 12", "Pago, lote de correo 12"),
    (
        "Payment, Payment processor file batch 13",
        "Pago, lote de archivo del procesador de pagos 13",
    ),
    ("Payment, Bank lockbox file batch 14", "Pago, lote de archivo de banco (lockbox) 14"),
    (
        "Returned card (terminal), receipt 2027-00000126",
        "Devolución de tarjeta, recibo 2027-00000126",
    ),
    (
        "Returned check 1234, receipt 2027-00000123",
        "Devolución de cheque 1234, recibo 2027-00000123",
    ),
    (
        "Returned electronic (ACH) payment, receipt 2027-00000125",
        "Devolución de pago electrónico (ACH), recibo 2027-00000125",
    ),
    ("Returned payment fee", "Cargo por pago devuelto"),
    ("Reconnect fee", "Cargo por reconexión"),
    ("Late penalty, bill B00000042", "Recargo por pago atrasado, factura B00000042"),
    ("Credit balance refunded", "Saldo a favor reembolsado"),
    ("Corrected bill", "Factura corregida"),
]
NOT_OURS = [
    "Goodwill credit",  # a staff member's own memo
    "Payment, Carrier pigeon batch 12",  # not a batch kind the district has
    "Returned seashells, receipt 2027-00000123",  # not a tender
    "prorated 45/30 days; per the general manager",  # one piece is not ours
    "prorated 45/30 da",  # cut short
    "",
]


@pytest.mark.parametrize(("english", "spanish"), PRORATION_NOTES + MEMOS)
def test_each_note_the_code_writes_reads_in_spanish_and_unchanged_in_english(english, spanish):
    in_language = (
        proration_in_language if (english, spanish) in PRORATION_NOTES else memo_in_language
    )
    with translation.override("es"):
        assert in_language(english) == spanish
    with translation.override("en"):
        assert in_language(english) == english


@pytest.mark.parametrize("note", NOT_OURS)
def test_a_note_the_code_does_not_write_prints_as_stored(note):
    with translation.override("es"):
        assert proration_in_language(note) == note
        assert memo_in_language(note) == note


def test_the_rate_engine_writes_the_notes_the_bill_translates():
    # given a 45-day summer bill on the monthly schedule, the drought surcharge starting 8/1
    bill = calculate(
        parse_schedule(SCHEDULE.read_text()),
        customer_class="residential",
        meter_size="5/8",
        consumption=Decimal("25"),
        period_start=D(2025, 7, 19),
        period_end=D(2025, 9, 1),
        winter_average=Decimal("9"),
    )
    notes = {line.code: line.proration for line in bill.lines}
    # then its notes are the English ones, and each reads in Spanish
    assert notes["service"] == "prorated 45/30 days"
    assert notes["surcharge.drought-stage-2"] == "32 of 45 days in effect"
    with translation.override("es"):
        assert proration_in_language(notes["service"]) == "prorrateado: 45/30 días"
        assert proration_in_language(notes["surcharge.drought-stage-2"]) == "32 de 45 días en vigor"


def test_a_program_credit_writes_the_enrolled_note_the_bill_translates():
    terms = [
        CreditTerms(program_id=1, name="Lifeline", benefit="monthly_credit", amount=Decimal("10"),
                    starts_on=D(2025, 7, 21), until=None),
    ]  # fmt: skip
    (credit,) = program_credits(
        terms, [("water", Decimal("50.00"))], period_start=D(2025, 7, 1), period_end=D(2025, 7, 31)
    )
    assert credit.proration == "11 of 31 days enrolled"
    with translation.override("es"):
        assert (
            proration_in_language(credit.proration)
            == "11 de 31 días con inscripción en el programa"
        )


def test_the_batch_and_tender_words_are_the_ones_payments_write():
    # a batch payment's memo names the batch kind by its label; a returned item its tender
    for kind in PaymentBatch.Kind:
        memo = customer_notes.BATCH_PAYMENT.text(kind=kind.label, batch=7)
        assert customer_notes.BATCH_PAYMENT.in_language(memo) is not None, kind
    for kind in Tender.Kind:
        what = tender_label(Tender(kind=kind, check_number="1234"))
        memo = customer_notes.RETURNED_PAYMENT.text(what=what, receipt="2027-00000001")
        assert customer_notes.RETURNED_PAYMENT.in_language(memo) is not None, kind
    # the counter's deposit payments are found by their memo's start
    assert customer_notes.DEPOSIT_PAID.text(receipt="2027-00000001").startswith(DEPOSIT_MEMO)


def _bill_with_notes(language: str):
    """A 45-day bill (prorated service charge, drought surcharge part of the days, an unknown
    note) after a counter payment, a returned-payment fee and a staff member's credit."""
    account, meter = account_with_meter()
    account.customer.language = language
    account.customer.save(update_fields=["language"])
    post_bill(account, Decimal("120.00"), D(2025, 7, 18))
    post_payment(account, Decimal("120.00"), D(2025, 7, 25), memo="Payment, receipt 2025-00000077")
    post_bill(account, Decimal("25.00"), D(2025, 7, 28), memo="Returned payment fee")
    post_credit(account, Decimal("5.00"), D(2025, 8, 2), memo="Goodwill credit")
    lines = [
        ("service", "service", 'Water service charge, 5/8" meter', None, Decimal("32.15"),
         Decimal("48.23")),
        ("surcharge.drought-stage-2", "surcharge", "Drought surcharge (stage 2)", None,
         Decimal("0.75"), Decimal("13.34")),
        ("surcharge.special", "surcharge", "Special charge", None, Decimal("1.00"),
         Decimal("1.00")),
    ]  # fmt: skip
    bill = make_bill(
        account, period_start=D(2025, 7, 19), period_end=D(2025, 9, 1),
        consumption=Decimal("25"), lines=lines, meter=meter, reading=Decimal("125"),
    )  # fmt: skip
    notes = ["prorated 45/30 days", "32 of 45 days in effect", "per the general manager"]
    for position, note in enumerate(notes, 1):
        BillLine.objects.filter(bill=bill, position=position).update(proration_note=note)
    return account, bill


@pytest.mark.django_db
def test_a_spanish_bill_prints_its_proration_and_payment_notes_in_spanish():
    # given a Spanish-speaking customer's prorated bill after a payment and a fee
    _account, bill = _bill_with_notes("es")
    # when it is printed while English is active (a CSR opens it)
    with translation.override("en"):
        html = bill_pdf_html(bill_for_document(bill.pk))
    # then the notes our code wrote are Spanish; a note it did not write prints as stored
    assert '<span class="note">prorrateado: 45/30 días</span>' in html
    assert '<span class="note">32 de 45 días en vigor</span>' in html
    assert '<span class="note">per the general manager</span>' in html
    assert "<td>Pago: Pago, recibo 2025-00000077</td>" in html
    assert "Cargo por pago devuelto</td>" in html
    assert "<td>Ajuste: Goodwill credit</td>" in html
    assert "prorated" not in html and "days in effect" not in html
    assert "receipt" not in html and "Returned payment fee" not in html
    # and the records keep the English
    assert set(BillLine.objects.filter(bill=bill).values_list("proration_note", flat=True)) == {
        "prorated 45/30 days",
        "32 of 45 days in effect",
        "per the general manager",
    }


@pytest.mark.django_db
def test_an_english_bill_keeps_its_notes_in_english():
    # given the same bill for a customer who reads English
    _account, bill = _bill_with_notes("en")
    # when it is printed while Spanish is active
    with translation.override("es"):
        html = bill_pdf_html(bill_for_document(bill.pk))
    # then every note prints as written
    assert '<span class="note">prorated 45/30 days</span>' in html
    assert '<span class="note">32 of 45 days in effect</span>' in html
    assert "<td>Payment: Payment, receipt 2025-00000077</td>" in html
    assert "Returned payment fee</td>" in html
    assert "<td>Adjustment: Goodwill credit</td>" in html
    assert "prorrateado" not in html and "recibo" not in html


@pytest.mark.django_db
def test_the_customers_bill_page_shows_the_notes_in_spanish_and_the_staff_page_in_english(
    client, make_user, client_for
):
    # given a Spanish-speaking customer signed in to the portal
    account, bill = _bill_with_notes("es")
    user = make_user(roles.CUSTOMER)
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    client.force_login(user)
    # when the customer opens the bill, and a CSR opens it on the staff pages
    customer_page = client.get(reverse("billing:portal_bill", args=[bill.pk])).content.decode()
    staff_page = client_for(roles.CSR_I).get(reverse("billing:bill_detail", args=[bill.pk]))
    # then the customer reads Spanish, the CSR the stored English
    assert '<span class="small">prorrateado: 45/30 días</span>' in customer_page
    assert '<span class="small">32 de 45 días en vigor</span>' in customer_page
    assert '<span class="small">per the general manager</span>' in customer_page
    staff_html = staff_page.content.decode()
    assert "prorated 45/30 days" in staff_html and "prorrateado" not in staff_html
