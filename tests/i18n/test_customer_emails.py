"""allauth's verification e-mail in the customer's language, also when a CSR resends it."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from district import roles
from portal.models import AccountLink
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_csr_resends_the_verification_in_the_customers_language(
    client_for, make_user, django_capture_on_commit_callbacks
):
    # given a Spanish-speaking customer's login waiting for its address to be verified
    account = factories.ServiceAccountFactory(customer=factories.CustomerFactory(language="es"))
    user = make_user(roles.CUSTOMER, username="ana@example.com")
    user.email = "ana@example.com"
    user.save()
    EmailAddress.objects.create(user=user, email="ana@example.com", primary=True, verified=False)
    link = AccountLink.objects.create(user=user, service_account=account, method="enrolment")
    client = client_for(roles.CSR_I)
    # when a CSR (whose pages are English) sends the verification again
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:online_access_resend", args=[link.pk]))
    # then the customer gets it in Spanish
    (message,) = mail.outbox
    assert message.to == ["ana@example.com"]
    assert "confirme su dirección de correo electrónico" in message.subject
    assert "/auth/confirm-email/" in message.body
