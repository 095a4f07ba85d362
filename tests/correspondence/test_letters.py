"""Letters: rendered exactly from the current version for an account, in the customer's
language or English, logged to the account's contacts, and batched into one PDF for the print
shop with the paperless customers e-mailed instead."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from accounts.correspondence.models import (
    Letter,
    LetterTemplate,
    LetterTemplateVersion,
    PrintBatch,
)
from accounts.correspondence.rendering import letter_pdf, letter_render
from accounts.correspondence.seeds import seed_letter_templates
from accounts.correspondence.services import (
    letter_batch_create,
    letter_send,
    letter_template_edit,
)
from accounts.models import Contact
from accounts.service_changes.letters import welcome_facts, welcome_letter_html
from district import roles
from district.errors import NotPermitted, ServiceError
from tests.correspondence.helpers import lopez_account, pdf_pages, set_text
from tests.factories import ServiceAccountFactory, post_bill

pytestmark = pytest.mark.django_db

BODY = (
    "<p>{{ customer_name }}, account {{ account_number }} at {{ service_address }}: "
    '${{ balance|floatformat:"2g" }} due {{ due_date|date:"m/d/Y"|default:"on receipt" }}, '
    '{{ date|date:"F j, Y" }}. Call {{ district_phone }}.</p>'
)


def test_a_letter_renders_exactly_for_an_account():
    # given
    account = lopez_account()
    post_bill(account, Decimal("1234.50"))
    set_text("general", "en", "About account {{ account_number }}", BODY)

    # when
    letter = letter_render(
        key="general",
        account=account,
        context_extra={"due_date": datetime.date(2026, 7, 21), "date": datetime.date(2026, 7, 1)},
    )

    # then
    number = account.formatted_number
    assert letter.language == "en" and letter.subject == f"About account {number}"
    assert (
        f"<p>Maria Lopez, account {number} at 125 Orchard Ln, Mesa Verde, CA 92000: "
        "$1,234.50 due 07/21/2026, July 1, 2026. Call (555) 555-0100.</p>"
    ) in letter.html
    assert (
        '<address class="address">Maria Lopez<br>PO Box 77<br>Mesa Verde, CA 92001</address>'
    ) in letter.html
    assert '<html lang="en">' in letter.html and f"<h1>About account {number}</h1>" in letter.html
    assert "<p>July 1, 2026</p>" in letter.html


def test_a_missing_due_date_reads_on_receipt_and_merge_values_are_escaped():
    account = lopez_account()
    account.customer.business_name, account.customer.kind = "Tacos <b>& Co</b>", "business"
    account.customer.save()
    set_text("general", "en", "Hi {{ customer_name }}", BODY)
    letter = letter_render(key="general", account=account)
    assert "Tacos &lt;b&gt;&amp; Co&lt;/b&gt;, account" in letter.html
    assert "due on receipt" in letter.html
    assert letter.subject == "Hi Tacos <b>& Co</b>"  # plain text, escaped where printed


def test_the_customers_language_else_english():
    spanish = lopez_account(language="es")
    assert letter_render(key="welcome", account=spanish).language == "es"
    korean = lopez_account(language="ko")
    letter = letter_render(key="welcome", account=korean)
    assert letter.language == "en" and '<html lang="en">' in letter.html
    assert letter_render(key="welcome", account=spanish, language="en").language == "en"


def test_a_letter_nobody_wrote_is_refused_and_an_unknown_key_is_a_bug():
    account = lopez_account()
    LetterTemplateVersion.objects.filter(template__key="deposit-refund").delete()
    with pytest.raises(ServiceError) as refused:
        letter_render(key="deposit-refund", account=account)
    assert refused.value.messages == [
        'There is no "deposit-refund" letter template yet: a supervisor adds it.'
    ]
    with pytest.raises(ValueError):
        letter_render(key="no-such-letter", account=account)


def test_the_pdf_is_tagged_and_one_page():
    pdf = letter_pdf(key="general", account=lopez_account())
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1


def test_a_letter_sent_is_stored_and_logged_to_the_contact_history(make_user):
    # given
    csr = make_user(roles.CSR_I)
    account = lopez_account()
    version = set_text("high-use", "en", "High use", "<p>{{ usage_hcf }} HCF</p>")

    # when
    letter = letter_send(
        key="high-use", account=account, by=csr, context_extra={"usage_hcf": Decimal("42")}
    )

    # then
    assert letter.template_version == version and letter.delivery == Letter.Delivery.PRINT
    assert "<p>42 HCF</p>" in letter.html and letter.created_by == csr
    contact = Contact.objects.get(account=account)
    assert contact.channel == Contact.Channel.MAIL
    assert contact.reason == Contact.Reason.HIGH_BILL
    assert contact.notes == "Letter sent (printed and mailed): High use"
    assert contact.logged_by == csr


def test_a_paperless_customer_is_e_mailed(
    make_user, mailoutbox, django_capture_on_commit_callbacks
):
    account = lopez_account(paperless=True)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_send(key="general", account=account, by=make_user(roles.CSR_I))
    assert letter.delivery == Letter.Delivery.EMAIL and letter.email_to == "maria@example.org"
    assert Contact.objects.get(account=account).channel == Contact.Channel.EMAIL
    [message] = mailoutbox
    assert message.to == ["maria@example.org"] and message.subject == "About your water account"
    assert "This letter is about your water account" in message.alternatives[0][0]


def test_a_role_without_customer_contacts_sends_no_letter(make_user):
    with pytest.raises(NotPermitted):
        letter_send(key="general", account=lopez_account(), by=make_user(roles.FINANCE))
    assert not Letter.objects.exists() and not Contact.objects.exists()


# -- batches


def test_a_batch_is_one_pdf_of_the_printed_letters_and_e_mails_the_paperless(
    make_user, mailoutbox, django_capture_on_commit_callbacks
):
    # given: three on paper, one paperless with an address, one paperless without
    csr = make_user(roles.CSR_II)
    paper = [ServiceAccountFactory() for _ in range(3)]
    emailed = ServiceAccountFactory(paperless=True)
    no_address = ServiceAccountFactory(paperless=True, customer__email="")
    ids = [account.pk for account in [*paper, emailed, no_address]]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_create(
            key="high-use",
            account_ids=ids,
            by=csr,
            reason="Bill run 12: high use",
            context_by_account={emailed.pk: {"usage_hcf": Decimal("40")}},
        )

    # then
    assert (batch.printed_count, batch.emailed_count) == (4, 1)
    assert pdf_pages(bytes(batch.pdf)) == 4
    assert batch.letters.filter(delivery=Letter.Delivery.PRINT).count() == 4
    [message] = mailoutbox
    assert message.to == [emailed.customer.email]
    assert "shows 40 hundred cubic feet" in message.alternatives[0][0]
    assert Contact.objects.filter(account_id__in=ids, reason=Contact.Reason.HIGH_BILL).count() == 5
    assert Contact.objects.get(account=emailed).channel == Contact.Channel.EMAIL


def test_a_repeated_batch_key_returns_the_first_batch(make_user):
    csr = make_user(roles.CSR_II)
    ids = [ServiceAccountFactory().pk]
    first = letter_batch_create(
        key="general", account_ids=ids, by=csr, reason="x", idempotency_key="run-12"
    )
    again = letter_batch_create(
        key="general", account_ids=ids, by=csr, reason="x", idempotency_key="run-12"
    )
    assert again == first and Letter.objects.count() == 1


def test_a_batch_without_accounts_or_reason_is_refused(make_user):
    csr = make_user(roles.CSR_II)
    with pytest.raises(ServiceError) as refused:
        letter_batch_create(key="general", account_ids=[], by=csr, reason="x")
    assert refused.value.messages == ["No accounts to write to."]
    with pytest.raises(ServiceError) as refused:
        letter_batch_create(key="general", account_ids=[1], by=csr, reason=" ")
    assert refused.value.message_dict == {"reason": ["Say why these letters go out."]}
    assert not PrintBatch.objects.exists()


def test_the_batches_page_lists_and_downloads(client_for, django_assert_max_num_queries):
    client = client_for(roles.CSR_I)
    for _ in range(3):  # the page's queries do not grow with the batches
        batch = letter_batch_create(
            key="general", account_ids=[ServiceAccountFactory().pk], by=client.user, reason="Notice"
        )
    client.get("/")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("correspondence:batch_list")).content.decode()
    assert "Notice" in page and reverse("correspondence:batch_pdf", args=[batch.pk]) in page
    download = client.get(reverse("correspondence:batch_pdf", args=[batch.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    letter = batch.letters.get()
    single = client.get(reverse("correspondence:letter_pdf", args=[letter.pk]))
    assert single.status_code == 200 and single.content.startswith(b"%PDF")


def test_the_batches_are_not_for_finance(client_for):
    client = client_for(roles.FINANCE)
    assert client.get(reverse("correspondence:batch_list")).status_code == 403


def test_the_welcome_letter_says_what_the_supervisor_last_saved(make_user):
    # given
    account = lopez_account()
    template = LetterTemplate.objects.get(key="welcome", language="en")
    letter_template_edit(
        template_id=template.pk,
        subject="Welcome aboard, {{ customer_name }}",
        body="<p>Service starts {{ start_date|date:'m/d/Y' }}.</p>",
        by=make_user(roles.SUPERVISOR),
        reason="Shorter",
    )

    # when
    html = welcome_letter_html(account)

    # then
    assert "<h1>Welcome aboard, Maria Lopez</h1>" in html
    assert "<p>Service starts 01/01/2024.</p>" in html


def test_a_spanish_letter_dates_itself_month_first_as_the_bill_does():
    # given a Spanish-speaking customer whose service started on March 4 (the starting texts,
    # written on migrate, again here for a reused database)
    seed_letter_templates()
    account = lopez_account(language="es", start_date=datetime.date(2026, 3, 4))
    # when the district writes the welcome letter on April 5
    letter = letter_render(
        key="welcome",
        account=account,
        context_extra={**welcome_facts(account), "date": datetime.date(2026, 4, 5)},
    )
    # then the letter's date and the start date read month/day/year, as on the Spanish bill
    assert letter.language == "es"
    assert "<p>04/05/2026</p>" in letter.html
    assert "<td>03/04/2026</td>" in letter.html
    assert "05/04/2026" not in letter.html and "04/03/2026" not in letter.html


def test_the_spanish_starting_texts_move_to_month_first_and_a_supervisors_text_is_kept(
    make_user,
):
    # given a Spanish starting text still day/month/year, and one a supervisor rewrote
    migration = importlib.import_module(
        "accounts.correspondence.migrations.0002_spanish_letters_us_date_order"
    )
    welcome = LetterTemplate.objects.get_or_create(key="welcome", language="es")[0]
    refund = LetterTemplate.objects.get_or_create(key="deposit-refund", language="es")[0]
    starting = LetterTemplateVersion.objects.create(
        template=welcome,
        number=welcome.versions.count() + 1,
        subject="Bienvenido",
        body='<p>Inicio: {{ start_date|date:"d/m/Y" }}</p>',
        reason="Starting text",
    )
    edited = LetterTemplateVersion.objects.create(
        template=refund,
        number=refund.versions.count() + 1,
        subject="Depósito",
        body='<p>El {{ returned_on|date:"d/m/Y" }}</p>',
        reason="Más corto",
        created_by=make_user(roles.SUPERVISOR),
    )
    # when the migration runs
    migration.dates_month_first(django_apps, None)
    # then the starting text has a new current version in US order; the supervisor's is kept
    current = welcome.versions.order_by("-number").first()
    assert current.number == starting.number + 1 and current.created_by is None
    assert current.body == '<p>Inicio: {{ start_date|date:"m/d/Y" }}</p>'
    assert current.subject == "Bienvenido"
    assert refund.versions.order_by("-number").first() == edited
