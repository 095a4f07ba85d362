"""The counter search: every kind of identifier, ranking, query counts, and the page (htmx too)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import ServiceAccount
from accounts.numbers import format_account_number, luhn_check_digit
from accounts.search import CHECK_DIGIT_NOTE, exact_match, search_accounts
from district import roles
from district.ledger.models import AccountBalance
from field_ops.models import Meter
from tests.factories import (
    CustomerFactory,
    MeterFactory,
    MeterInstallationFactory,
    PremiseFactory,
    ServiceAccountFactory,
)

pytestmark = pytest.mark.django_db


def _account(first="Maria", last="Lopez", house="123", street="Main St", **fields):
    customer = CustomerFactory(first_name=first, last_name=last)
    premise = PremiseFactory(house_number=house, street=street)
    return ServiceAccountFactory(customer=customer, premise=premise, **fields)


def _numbers(hits):
    return [hit.account_number for hit in hits]


def test_a_name_is_found_in_either_order_and_in_part():
    # given
    account = _account(first="Maria", last="Lopez")
    _account(first="Mark", last="Jones", house="9", street="Elm St")
    # when
    searches = ["lop mar", "mar lop", "Maria Lopez", "Lopez, Maria", "LOPEZ"]
    # then
    for query in searches:
        hits = search_accounts(query)
        assert _numbers(hits) == [account.formatted_number], query
        assert hits[0].matched == "Name"
        assert hits[0].customer_name == "Lopez, Maria"


def test_a_business_is_found_by_its_name():
    # given
    customer = CustomerFactory(
        kind="business", first_name="", last_name="", business_name="Acme Nursery"
    )
    account = ServiceAccountFactory(customer=customer)
    # when
    hits = search_accounts("acme nurs")
    # then
    assert _numbers(hits) == [account.formatted_number]


def test_a_service_address_is_found_by_house_number_and_street():
    # given
    wanted = _account(first="Ana", last="Ruiz", house="123", street="Main St")
    longer = _account(first="Bo", last="Chan", house="1234", street="Main St")
    _account(first="Cy", last="Diaz", house="123", street="Oak Ave")
    # when
    hits = search_accounts("123 main")
    # then: the house numbered exactly 123, not 1234 (found when 1234 is typed)
    assert _numbers(hits) == [wanted.formatted_number]
    assert _numbers(search_accounts("1234 main")) == [longer.formatted_number]
    assert hits[0].matched == "Service address"
    assert hits[0].service_address == "123 Main St, Mesa Verde, CA 92000"


def test_an_account_number_is_found_with_or_without_dash_and_check_digit():
    # given
    account = _account()
    number = account.number  # e.g. 90000003
    base = number[:-1]
    # when
    typed = [number, f"{base}-{number[-1]}", base, f" {base} - {number[-1]} "]
    # then
    for query in typed:
        hits = search_accounts(query)
        assert hits[0].account_number == format_account_number(number), query
        assert hits[0].exact and hits[0].matched.startswith("Account number")
        assert hits[0].note == ""


def test_a_wrong_check_digit_still_finds_the_base_digits_and_says_so():
    # given
    account = _account()
    base = account.number[:-1]
    wrong = str((int(luhn_check_digit(base)) + 1) % 10)
    # when
    for query in (base + wrong, f"{base}-{wrong}"):
        hits = search_accounts(query)
        # then
        assert _numbers(hits) == [account.formatted_number], query
        assert hits[0].note == CHECK_DIGIT_NOTE
        assert exact_match(hits) is None  # the counter shows it rather than jumping to it


def test_the_start_of_an_account_number_lists_the_accounts_it_begins():
    # given
    first = ServiceAccountFactory(number="12345674")
    second = ServiceAccountFactory(number="12345682")
    ServiceAccountFactory(number="22345679")
    # when
    hits = search_accounts("123456")
    # then
    assert set(_numbers(hits)) == {first.formatted_number, second.formatted_number}
    assert not any(hit.exact for hit in hits)


def test_a_phone_is_found_typed_any_way():
    # given
    customer = CustomerFactory(phone="5551234567", alternate_phone="5559876543")
    account = ServiceAccountFactory(customer=customer)
    # when
    typed = ["5551234567", "(555) 123-4567", "555.123.4567", "+1 555 123 4567", "555-987-6543"]
    # then
    for query in typed:
        hits = search_accounts(query)
        assert _numbers(hits) == [account.formatted_number], query
        assert hits[0].matched == "Phone" and hits[0].exact


def test_the_start_of_a_phone_finds_it_while_typing():
    # given
    account = ServiceAccountFactory(customer=CustomerFactory(phone="5551234567"))
    # when
    hits = search_accounts("(555) 123-45")
    # then
    assert _numbers(hits) == [account.formatted_number]
    assert hits[0].matched == "Phone" and not hits[0].exact


def test_an_email_is_found_in_any_case():
    # given
    account = ServiceAccountFactory(customer=CustomerFactory(email="m.lopez@example.org"))
    # when
    hits = search_accounts("M.Lopez@Example.org")
    # then
    assert _numbers(hits) == [account.formatted_number]
    assert hits[0].matched == "Email"


def test_the_serial_of_the_meter_installed_now_finds_the_premise_accounts():
    # given
    account = _account()
    MeterInstallationFactory(premise=account.premise, meter__serial="BX-40077")
    removed = MeterFactory(serial="OLD-1", status=Meter.Status.REMOVED)
    MeterInstallationFactory(
        premise=account.premise,
        meter=removed,
        removed_on=datetime.date(2021, 1, 1),
        removal_reading=10,
    )
    # when
    found = search_accounts("bx-40077")
    old = search_accounts("OLD-1")
    # then
    assert _numbers(found) == [account.formatted_number]
    assert found[0].matched == "Meter serial"
    assert old == []


def test_an_apn_is_found_with_or_without_dashes():
    # given
    account = ServiceAccountFactory(premise=PremiseFactory(apn="431-207-15"))
    # when
    for query in ("431-207-15", "43120715"):
        hits = search_accounts(query)
        # then
        assert _numbers(hits) == [account.formatted_number], query
        assert hits[0].matched == "APN"


def test_an_exact_identifier_answers_alone_and_the_name_search_only_when_it_finds_nothing():
    # given: "lopez12" is a closed account's meter serial and the start of an active name
    by_name = _account(first="Ana", last="Lopez123")
    by_serial = _account(first="Bo", last="Chan", status=ServiceAccount.Status.CLOSED)
    MeterInstallationFactory(premise=by_serial.premise, meter__serial="LOPEZ12")
    # when
    hits = search_accounts("lopez12")
    not_a_serial = search_accounts("lopez1")
    # then: the serial's account, from its own index; no serial "LOPEZ1", so the names
    assert _numbers(hits) == [by_serial.formatted_number]
    assert [hit.exact for hit in hits] == [True]
    assert _numbers(not_a_serial) == [by_name.formatted_number]
    assert not not_a_serial[0].exact


def test_closed_and_final_accounts_are_found_after_active_ones():
    # given: the customer's earlier accounts, ended, and the one they have now
    customer = CustomerFactory(first_name="Maria", last_name="Lopez")
    closed = ServiceAccountFactory(customer=customer, status=ServiceAccount.Status.CLOSED)
    final = ServiceAccountFactory(customer=customer, status=ServiceAccount.Status.FINAL)
    active = ServiceAccountFactory(customer=customer, status=ServiceAccount.Status.ACTIVE)
    # when
    hits = search_accounts("maria lopez")
    # then
    assert _numbers(hits) == [
        active.formatted_number,
        final.formatted_number,
        closed.formatted_number,
    ]
    assert [hit.is_open for hit in hits] == [True, False, False]


def test_a_hit_carries_the_cached_balance():
    # given
    account = _account()
    AccountBalance.objects.create(service_account_id=account.pk, balance=Decimal("42.50"))
    other = _account(first="Mario", house="9")
    # when
    hits = {hit.account_id: hit for hit in search_accounts("lop mar")}
    # then
    assert hits[account.pk].balance == Decimal("42.50")
    assert hits[other.pk].balance == Decimal("0.00")


@pytest.mark.parametrize(
    "query", ["lop mar", "123 main", "5551234567", "90000003", "431-207-15", "a@example.org"]
)
def test_a_search_takes_two_queries_whatever_is_typed(django_assert_max_num_queries, query):
    # given
    for number in range(5):
        _account(first=f"Mario{number}", house=f"12{number}")
    search_accounts("warm")  # whether the database has pg_trgm is asked once per process
    # when / then: the exact identifiers, then (when they find nothing) the broader search
    with django_assert_max_num_queries(2):
        search_accounts(query)


def test_too_little_text_searches_nothing(django_assert_num_queries):
    # given
    _account()
    # when / then
    with django_assert_num_queries(0):
        assert search_accounts("") == []
        assert search_accounts(" m ") == []
        assert search_accounts("ma") == []


def test_search_text_with_query_syntax_is_taken_literally():
    # given
    account = _account(first="Sean", last="O'Brien")
    # when
    hits = search_accounts("o'brien & !| :* (sean)")
    # then
    assert _numbers(hits) == [account.formatted_number]


# --- the page -----------------------------------------------------------------------------------


def test_the_search_page_lists_results_in_a_table(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    AccountBalance.objects.create(service_account_id=account.pk, balance=Decimal("1234.5"))
    # when
    response = client.get(reverse("accounts:search"), {"q": "lop mar"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert account.formatted_number in html
    assert "$1,234.50" in html
    assert reverse("accounts:account_detail", args=[account.pk]) in html
    assert '<th scope="col">Service address</th>' in html
    assert html.count('id="global-search"') == 1  # the page's own box, not the header's too
    assert "autofocus" in html


def test_the_live_results_are_the_partial_only(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    # when
    response = client.get(reverse("accounts:search"), {"q": "lop"}, HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<table" in html
    assert account.formatted_number in html
    assert 'id="search-status" hx-swap-oob="innerHTML">1 account found' in html
    assert response["HX-Replace-Url"] == reverse("accounts:search") + "?q=lop&list=1"


def test_submitting_an_exact_identifier_opens_its_account(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    # when
    response = client.get(reverse("accounts:search"), {"q": account.formatted_number})
    listed = client.get(reverse("accounts:search"), {"q": account.formatted_number, "list": 1})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account_detail", args=[account.pk])
    assert listed.status_code == 200


def test_a_wrong_check_digit_is_shown_not_opened(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = _account()
    base = account.number[:-1]
    wrong = str((int(account.number[-1]) + 1) % 10)
    # when
    response = client.get(reverse("accounts:search"), {"q": f"{base}-{wrong}"})
    # then
    assert response.status_code == 200
    assert "Check digit does not match" in response.content.decode()


def test_the_search_page_query_count_is_fixed(client_for, django_assert_max_num_queries):
    # given
    client = client_for(roles.CSR_I)
    for number in range(25):
        _account(first=f"Maria{number}", house=str(100 + number))
    # when / then: session, user, role and permissions, the 2 search queries, the session save
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:search"), {"q": "lop mar"})
    assert response.content.decode().count("search-hit-link") == 20


def test_no_match_says_so(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    response = client.get(reverse("accounts:search"), {"q": "zzyzx"})
    # then
    assert "No accounts match “zzyzx”" in response.content.decode()
