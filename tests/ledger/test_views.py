from datetime import date

import pytest
from django.urls import reverse

from district import roles
from district.ledger.models import GLAccount
from district.ledger.services import journal_reverse
from tests.factories import new_key, post_bill, post_payment

JAN = date(2026, 1, 15)
PAGES = ["ledger:trial_balance", "ledger:aging"]
# Every staff page: session, user, the user's groups (access check and menu), permissions
# (user and group), and the session save (savepoint, update, release).
FRAMEWORK_QUERIES = 9


@pytest.fixture
def bill(make_service_account):
    accounts = [make_service_account() for _ in range(3)]
    for account in accounts:
        post_bill(account.pk, "1234.56", JAN)
        post_payment(account.pk, "34.56", date(2026, 2, 1))
    return post_bill(accounts[0].pk, "10.00", JAN)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.FINANCE, 200), (roles.SUPERVISOR, 200), (roles.CSR_I, 403), (roles.CSR_III, 403)],
    ids=["finance", "supervisor", "csr1", "csr3"],
)
def test_ledger_pages_are_for_finance_and_supervisors(client_for, bill, page, role, status):
    # given
    client = client_for(role)
    # when
    response = client.get(reverse(page))
    # then
    assert response.status_code == status


def test_journal_page_is_for_finance_and_supervisors(client_for, bill):
    # given
    url = reverse("ledger:journal", args=[bill.pk])
    # when / then
    assert client_for(roles.FINANCE).get(url).status_code == 200
    assert client_for(roles.CSR_II).get(url).status_code == 403


def test_trial_balance_page_shows_balanced_books(client_for, bill, django_assert_max_num_queries):
    # given
    client = client_for(roles.FINANCE)
    # when
    with django_assert_max_num_queries(FRAMEWORK_QUERIES + 1):
        response = client.get(reverse("ledger:trial_balance"), {"as_of": "2026-06-30"})
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Balanced" in content
    assert "$3,610.00" in content  # receivable: 3 x ($1,234.56 - $34.56) + $10.00
    assert "$3,713.68" in content  # the totals: receivable + $103.68 cash = water sales
    assert "Accounts receivable - customers" in content


def test_trial_balance_page_before_any_posting_shows_nothing_owed(client_for, bill):
    # given
    client = client_for(roles.FINANCE)
    # when
    response = client.get(reverse("ledger:trial_balance"), {"as_of": "2025-12-31"})
    # then
    assert "$0.00" in response.content.decode()


def test_trial_balance_page_explains_a_bad_date(client_for, bill):
    # given
    client = client_for(roles.SUPERVISOR)
    # when
    response = client.get(reverse("ledger:trial_balance"), {"as_of": "31/31/2026"})
    # then
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_aging_page_shows_buckets(client_for, bill, django_assert_max_num_queries):
    # given
    client = client_for(roles.FINANCE)
    # when
    with django_assert_max_num_queries(FRAMEWORK_QUERIES + 1):
        response = client.get(reverse("ledger:aging"), {"as_of": "2026-06-30"})
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "120 days and over" in content
    assert "$3,610.00" in content


def test_journal_page_shows_lines_and_reversal(client_for, bill, django_assert_max_num_queries):
    # given
    reversal = journal_reverse(journal=bill, by=None, reason="Typo", idempotency_key=new_key())
    client = client_for(roles.FINANCE)
    # when
    with django_assert_max_num_queries(FRAMEWORK_QUERIES + 2):
        response = client.get(reverse("ledger:journal", args=[bill.pk]))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "1200 Accounts receivable - customers" in content
    assert "$10.00" in content
    assert f"J{reversal.pk}" in content


def test_journal_page_answers_404_for_an_unknown_journal(client_for, db):
    # when
    response = client_for(roles.FINANCE).get(reverse("ledger:journal", args=[999999]))
    # then
    assert response.status_code == 404


def test_ledger_menu_entry_is_shown_to_finance_not_csr(client_for, db):
    # when
    finance_home = client_for(roles.FINANCE).get(reverse("home")).content.decode()
    csr_home = client_for(roles.CSR_I).get(reverse("home")).content.decode()
    # then
    assert reverse("ledger:trial_balance") in finance_home
    assert reverse("ledger:trial_balance") not in csr_home


def test_admin_shows_journals_read_only(client, bill, django_user_model):
    # given
    admin_user = django_user_model.objects.create_superuser("ledger-admin", "a@example.org", "x")
    client.force_login(admin_user)
    # when
    listing = client.get(reverse("admin:ledger_journal_changelist"))
    detail = client.get(reverse("admin:ledger_journal_change", args=[bill.pk]))
    # then
    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Save" not in detail.content.decode()
    assert client.get(reverse("admin:ledger_journal_add")).status_code == 403


def test_admin_edits_only_name_and_open_flag_of_gl_accounts(client, db, django_user_model):
    # given
    admin_user = django_user_model.objects.create_superuser("ledger-admin", "a@example.org", "x")
    client.force_login(admin_user)
    account = GLAccount.objects.get(purpose="surcharges")
    # when
    response = client.post(
        reverse("admin:ledger_glaccount_change", args=[account.pk]),
        {"name": "Drought surcharges", "is_active": "", "code": "9999", "purpose": "other"},
    )
    # then
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.is_active) == ("Drought surcharges", False)
    assert (account.code, account.purpose) == ("4100", "surcharges")
