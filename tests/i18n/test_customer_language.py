"""The customer's language drives what they read: the portal's pages, the bill PDF and the
paperless e-mail in Spanish for a Spanish-speaking customer; staff pages stay English."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.models import Customer
from billing.bill_runs.issue import bill_email
from billing.documents.pdf import bill_pdf_html
from district import roles
from district.password_reset_mail import reset_mail_send
from portal.models import AccountLink
from tests.billing.factories import account_with_meter, make_bill

pytestmark = pytest.mark.django_db
D = datetime.date
SPANISH_SIGN_OUT = "Cerrar sesión"


@pytest.fixture(autouse=True)
def compiled_catalog():
    """The build compiles locale/*.po (make messages); a bare pytest run may not have."""
    assert (settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.mo").exists(), (
        "Compile the translations first: make messages"
    )


def _customer_with_bill(make_user, language: str):
    user = make_user(roles.CUSTOMER)
    account, meter = account_with_meter()
    customer = account.customer
    customer.user, customer.language, customer.email = user, language, "ana@example.org"
    customer.save(update_fields=["user", "language", "email"])
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    bill = make_bill(account, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31),
                     consumption=Decimal("9"), meter=meter, reading=Decimal("109"))  # fmt: skip
    return user, bill


def _page(client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_spanish_speaking_customer_reads_the_portal_in_spanish(client, make_user):
    # given a customer whose preferred language is Spanish, signed in without any cookie
    user, bill = _customer_with_bill(make_user, "es")
    client.force_login(user)
    # when they open their home page and their bills
    home = _page(client, "/")
    bills = _page(client, reverse("billing:portal_bills"))
    # then both are in Spanish, the page's language says so, and dates stay MM/DD/YYYY
    assert '<html lang="es">' in home and SPANISH_SIGN_OUT in home
    assert "Mis facturas" in bills and "Fecha de vencimiento" in bills
    assert bill.due_date.strftime("%m/%d/%Y") in bills
    assert "Sign out" not in bills


def test_english_speaking_customer_reads_english(client, make_user):
    # given a customer who prefers English
    user, _bill = _customer_with_bill(make_user, "en")
    client.force_login(user)
    # when they open their bills
    bills = _page(client, reverse("billing:portal_bills"))
    # then the page is English, with the switch offering Spanish
    assert "My bills" in bills and '<html lang="en">' in bills
    assert 'lang="es"' in bills and "Español" in bills


def test_a_language_the_portal_does_not_speak_falls_back_to_the_browser(client, make_user):
    # given a customer who prefers Tagalog, with a browser asking for Spanish
    user, _bill = _customer_with_bill(make_user, "tl")
    client.force_login(user)
    # when they open their bills
    bills = client.get(reverse("billing:portal_bills"), HTTP_ACCEPT_LANGUAGE="es").content
    # then the browser's language is used
    assert "Mis facturas" in bills.decode()


def test_staff_pages_stay_english_whatever_the_cookie_or_browser(client, make_user):
    # given a CSR whose browser asks for Spanish and who has the Spanish cookie
    client.force_login(make_user(roles.CSR_II))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    # when they open their home page
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    # then it is English, without the language switch
    assert response.status_code == 200
    assert '<html lang="en">' in html and "Sign out" in html
    assert SPANISH_SIGN_OUT not in html and reverse("set_language") not in html


def test_a_visitor_gets_the_browser_language_and_the_switch(client):
    # given a visitor whose browser asks for Spanish
    # when they open the password-reset page
    html = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    # then it is in Spanish, with the switch back to English
    assert "Restablezca su contraseña" in html
    assert reverse("set_language") in html and 'lang="en"' in html


def test_the_language_switch_persists_for_a_signed_in_customer(client, make_user):
    # given an English-speaking customer
    user, _bill = _customer_with_bill(make_user, "en")
    client.force_login(user)
    client.get(reverse("billing:portal_bills"))
    # when they switch to Spanish from their bills page
    bills_url = reverse("billing:portal_bills")
    response = client.post(reverse("set_language"), {"language": "es", "next": bills_url})
    # then they are sent back, their choice is kept in the cookie and on their customer record
    # (so their bills and e-mails follow it), and the next pages are Spanish
    assert response.status_code == 302 and response["Location"] == bills_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert Customer.objects.get(user=user).language == "es"
    assert "Mis facturas" in _page(client, bills_url)
    # and it holds after signing in again on another browser (no cookie)
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    assert "Mis facturas" in _page(client, bills_url)


def test_the_switch_does_not_overwrite_a_language_the_portal_does_not_speak(client, make_user):
    # given a customer whose letters go out in Vietnamese
    user, _bill = _customer_with_bill(make_user, "vi")
    client.force_login(user)
    # when they read the portal in Spanish
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    # then the portal is Spanish for them, and their letters' language stays Vietnamese
    assert "Mis facturas" in _page(client, reverse("billing:portal_bills"))
    assert Customer.objects.get(user=user).language == "vi"


def test_a_visitor_switch_keeps_the_cookie_only(client):
    # given a visitor
    # when they choose Spanish
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    # then the cookie says so and the next page is Spanish
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Restablezca su contraseña" in client.get(reverse("password_reset")).content.decode()


def test_spanish_customer_gets_the_bill_pdf_in_spanish_whoever_opens_it(make_user):
    # given a Spanish-speaking customer's bill, opened while English is active (a CSR)
    _user, bill = _customer_with_bill(make_user, "es")
    with translation.override("en"):
        # when the PDF's HTML is rendered
        html = bill_pdf_html(bill)
    # then it is the Spanish bill, tagged as Spanish, with US dates and money
    assert '<html lang="es">' in html
    assert "Monto a pagar" in html and "Factura de agua" in html and "Talón de pago" in html
    assert "Amount due" not in html
    assert bill.due_date.strftime("%m/%d/%Y") in html


def test_english_customer_gets_the_bill_pdf_in_english_whoever_opens_it(make_user):
    # given an English-speaking customer's bill, opened while Spanish is active
    _user, bill = _customer_with_bill(make_user, "en")
    with translation.override("es"):
        html = bill_pdf_html(bill)
    # then it is English
    assert '<html lang="en">' in html and "Amount due" in html and "Monto a pagar" not in html


def test_spanish_customer_gets_the_paperless_email_in_spanish(make_user):
    # given a Spanish-speaking paperless customer's bill
    _user, bill = _customer_with_bill(make_user, "es")
    # when the "your bill is ready" e-mail is written (by the nightly issue, in English)
    with translation.override("en"):
        message = bill_email(bill)
    html = message.alternatives[0][0]
    # then its subject, text and HTML are Spanish, the link and the amount as in English
    assert message.subject.startswith("Su factura de agua de la cuenta")
    assert f"${bill.amount_due:,.2f}" in message.subject
    assert "Vea su factura y pague en línea" in message.body
    assert '<html lang="es">' in html and "Monto a pagar" in html
    assert "paperless" not in message.body


def test_password_reset_email_in_the_language_of_the_person_asking(make_user):
    # given a customer sign-in with an e-mail address
    user = make_user(roles.CUSTOMER)
    user.email = "ana@example.org"
    user.save(update_fields=["email"])
    # when the reset e-mail goes out for someone reading the portal in Spanish
    assert reset_mail_send(user_id=user.pk, base_url="https://portal.example.org", language="es")
    # then it is Spanish; an unknown language gives English
    assert "restablezca su contraseña" in mail.outbox[-1].subject
    assert "abra este enlace" in mail.outbox[-1].body
    assert reset_mail_send(user_id=user.pk, base_url="https://portal.example.org", language="zz")
    assert "reset your password" in mail.outbox[-1].subject


def test_spanish_keeps_us_dates_and_money():
    # given values rendered the way templates print them, in Spanish
    template = Template("{{ day|date }} {{ day|date:'SHORT_DATE_FORMAT' }} {{ amount }}")
    with translation.override("es"):
        text = template.render(Context({"day": D(2026, 3, 4), "amount": Decimal("1234.50")}))
    # then 03/04/2026 is still March 4 and the decimal point stays a point
    assert text == "03/04/2026 03/04/2026 1234.50"


def test_a_change_of_preferred_language_shows_on_the_next_page(client, make_user):
    # given a customer reading the portal in English
    user, _bill = _customer_with_bill(make_user, "en")
    client.force_login(user)
    assert "My bills" in _page(client, reverse("billing:portal_bills"))
    # when their preferred language becomes Spanish (their settings page, or a CSR)
    Customer.objects.filter(user=user).update(language="es")
    # then the next page is Spanish, without signing in again
    assert "Mis facturas" in _page(client, reverse("billing:portal_bills"))


def test_a_visitor_who_chose_spanish_keeps_it_after_signing_in(client, make_user):
    # given a visitor who switched to Spanish, whose customer record says English
    user, _bill = _customer_with_bill(make_user, "en")
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    # when they sign in and open their bills
    client.force_login(user)
    bills = _page(client, reverse("billing:portal_bills"))
    # then the portal stays Spanish and their record now says Spanish (e-mails follow)
    assert "Mis facturas" in bills
    assert Customer.objects.get(user=user).language == "es"
