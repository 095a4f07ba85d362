"""The counter search decides what was typed, reads one document per account, ranks, counts."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from accounts import search
from accounts.demo import generate_district
from accounts.models import LegacyAccountNumber, SearchDocument, ServiceAccount
from accounts.numbers import with_check_digit
from accounts.search import classify, search_accounts
from district import roles
from field_ops.models import Meter
from tests.factories import (
    CustomerFactory,
    MeterFactory,
    MeterInstallationFactory,
    PremiseFactory,
    ServiceAccountFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _trigrams_known():
    """Whether the database has pg_trgm is asked once per process: ask it before counting."""
    search.trigrams_available()


def _account(first="Maria", last="Garcia", house="123", street="Main St", **fields):
    customer = CustomerFactory(first_name=first, last_name=last, **fields.pop("customer", {}))
    premise = PremiseFactory(house_number=house, street=street, **fields.pop("premise", {}))
    return ServiceAccountFactory(customer=customer, premise=premise, **fields)


def _numbers(hits):
    return [hit.account_number for hit in hits]


# --- what was typed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "exact"),
    [
        ("10000015", "account number", True),
        ("1000001-5", "account number", True),
        ("1000001", "account number", True),  # without its check digit
        ("(555) 123-4567", "phone", True),
        ("+1 555.123.4567", "phone", True),
        ("M.Garcia@Example.org", "email", True),
        ("bx-40077", "meter serial", True),
        ("431-207-15", "APN", True),
        ("OLD-77", "former number", True),
        ("123 main", "address", False),
        ("Garcia Maria", "name", False),
        ("Garcia, Maria", "name", False),
        ("gar", "name", False),  # a prefix while typing
        ("(555) 123-45", "phone prefix", True),  # digits: exact kinds asked first
        ("100000", "account number prefix", True),
    ],
)
def test_what_was_typed_is_decided_before_searching(typed, kind, exact):
    # when
    decided = classify(typed)
    # then: an identifier goes to its own index first; a name or address to the broad search
    assert kind in decided.kinds, decided.kinds
    assert decided.has_exact is exact, decided.kinds


def test_an_email_is_nothing_else_and_a_name_is_no_identifier():
    assert classify("m@example.org").kinds == ["email"]
    assert classify("Garcia, Maria").kinds == ["name", "address"]
    assert classify("123 main").kinds == ["address"]


def test_each_kind_is_found_first_by_its_own_identifier():
    # given: one account per kind, and a decoy named like each identifier
    by_number = _account(first="Ann", last="Number")
    by_phone = _account(first="Pat", last="Phone", customer={"phone": "5551234567"})
    by_email = _account(first="Eve", last="Mail", customer={"email": "eve@example.org"})
    by_serial = _account(first="Sam", last="Serial")
    MeterInstallationFactory(premise=by_serial.premise, meter__serial="BX-40077")
    by_apn = _account(first="Al", last="Parcel", premise={"apn": "431-207-15"})
    by_former = _account(first="Flo", last="Former")
    LegacyAccountNumber.objects.create(account=by_former, number="OLD-77", system="CIS/400")
    by_address = _account(first="Ada", last="Street", house="42", street="Quail Run")
    by_name = _account(first="Maria", last="Garcia", house="9", street="Elm St")
    # when / then
    expectations = [
        (by_number.formatted_number, by_number, "Account number"),
        (by_number.number[:-1], by_number, "Account number"),
        ("(555) 123-4567", by_phone, "Phone"),
        ("EVE@example.org", by_email, "Email"),
        ("bx-40077", by_serial, "Meter serial"),
        ("43120715", by_apn, "APN"),
        ("old-77", by_former, "Former account number"),
        ("42 quail", by_address, "Service address"),
        ("Garcia, Maria", by_name, "Name"),
    ]
    for typed, account, matched in expectations:
        hits = search_accounts(typed)
        assert hits[0].account_id == account.pk, typed
        assert hits[0].matched.startswith(matched), (typed, hits[0].matched)


def test_digits_that_could_be_an_account_a_phone_a_serial_or_an_old_number_find_every_kind():
    # given: the same ten digits are one account's number, another's phone, a meter, an old number
    digits = with_check_digit("555123456")
    by_number = ServiceAccountFactory(number=digits)
    by_phone = _account(last="Phone", customer={"phone": digits})
    by_serial = _account(last="Serial")
    MeterInstallationFactory(premise=by_serial.premise, meter__serial=digits)
    by_former = _account(last="Former")
    LegacyAccountNumber.objects.create(account=by_former, number=digits)
    # when
    hits = search_accounts(digits)
    # then
    assert {hit.account_id: hit.matched for hit in hits} == {
        by_number.pk: "Account number",
        by_phone.pk: "Phone",
        by_serial.pk: "Meter serial",
        by_former.pk: "Former account number",
    }
    assert all(hit.exact for hit in hits)
    assert hits[0].account_id == by_number.pk  # active accounts, then the number first


@pytest.mark.parametrize(
    "typed",
    ["Garcia Maria", "Maria Garcia", "Garcia, Maria", "garcai maria", "maria garica", "gar"],
)
def test_names_are_found_in_either_order_in_part_and_with_a_typo(typed):
    # given
    wanted = _account(first="Maria", last="Garcia")
    _account(first="John", last="Smith", house="9", street="Elm St")
    # when
    hits = search_accounts(typed)
    # then
    assert _numbers(hits) == [wanted.formatted_number]
    assert hits[0].matched == "Name" and not hits[0].exact


def test_the_ranking_puts_the_exact_name_first_then_the_closest_names():
    # given: a small district
    exact = _account(first="Maria", last="Garcia", house="1")
    mario = _account(first="Mario", last="Garcia", house="2")
    marta = _account(first="Marta", last="Garcias", house="3")
    closed_exact = _account(
        first="Maria", last="Garcia", house="4", status=ServiceAccount.Status.CLOSED
    )
    _account(first="John", last="Smith", house="5")
    _account(first="Wei", last="Chen", house="6")
    # when
    hits = search_accounts("garcia maria")
    # then: the name typed (open, then closed), then the nearer names before the farther
    assert _numbers(hits) == [
        exact.formatted_number,
        closed_exact.formatted_number,
        mario.formatted_number,
        marta.formatted_number,
    ]


def test_a_house_number_and_street_find_the_house_and_not_the_houses_spelt_alike(
    django_assert_num_queries,
):
    # given
    wanted = _account(last="Ruiz", house="123", street="Main St")
    longer = _account(last="Chan", house="1234", street="Main St")
    _account(last="Diaz", house="123", street="Oak Ave")
    # when: the house is found by its prefix, the closest spellings are not asked
    with django_assert_num_queries(1):
        hits = search_accounts("123 Main")
    # then
    assert _numbers(hits) == [wanted.formatted_number]
    # a misspelt street still finds the closest addresses, the house first
    assert _numbers(search_accounts("123 Mian"))[0] == wanted.formatted_number
    assert longer.formatted_number not in _numbers(search_accounts("123 Oak"))


def test_without_trigrams_every_word_is_the_start_of_a_name_in_either_order(monkeypatch):
    # given: a server without pg_trgm (the embedded one)
    monkeypatch.setitem(search._TRIGRAMS, connection.settings_dict["NAME"], False)
    wanted = _account(first="Maria", last="Lopez")
    _account(first="Mark", last="Jones", house="9")
    # when / then
    for typed in ("lop mar", "mar lop", "Lopez, Maria"):
        assert _numbers(search_accounts(typed)) == [wanted.formatted_number], typed


# --- how many queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "queries"),
    [
        ("account", 1),  # the account number, found by its index: the answer
        ("phone", 1),
        ("email", 1),
        ("serial", 1),
        ("apn", 1),
        ("former", 1),
        ("prefix", 2),  # digits no identifier has: the exact query, then the prefixes
        # a name: the broader search, then the closest spellings (it found fewer than the limit)
        ("garcia maria", 2),
        ("gar", 1),  # too short for closeness: the prefixes only
        ("123 main", 1),  # the house found: no closest addresses
    ],
)
def test_each_kind_takes_a_fixed_number_of_queries(django_assert_num_queries, typed, queries):
    # given
    accounts = [_account(first=f"Maria{n}", house=f"12{n}") for n in range(5)]
    account = accounts[0]
    account.customer.phone, account.customer.email = "5551234567", "m@example.org"
    account.customer.save()
    MeterInstallationFactory(premise=account.premise, meter__serial="BX-1")
    LegacyAccountNumber.objects.create(account=account, number="OLD-1")
    text = {
        "account": account.formatted_number,
        "phone": "555-123-4567",
        "email": "m@example.org",
        "serial": "bx-1",
        "apn": account.premise.apn,
        "former": "old-1",
        "prefix": account.number[:5],
    }.get(typed, typed)
    # when / then
    with django_assert_num_queries(queries):
        hits = search_accounts(text)
    assert hits


def test_the_closest_spellings_are_not_asked_when_the_prefixes_fill_the_limit(
    django_assert_num_queries,
):
    # given three Maria Garcias and a Mario
    garcias = [_account(first="Maria", last="Garcia", house=str(n)) for n in range(3)]
    mario = _account(first="Mario", last="Garcia", house="9")
    # when / then: two fill a limit of two, without the trigram query
    with django_assert_num_queries(1):
        hits = search_accounts("garcia maria", limit=2)
    assert {hit.account_id for hit in hits} <= {account.pk for account in garcias}
    # a limit of five: the closest spellings add Mario after the three
    with django_assert_num_queries(2):
        hits = search_accounts("garcia maria", limit=5)
    assert [hit.account_id for hit in hits][-1] == mario.pk and len(hits) == 4


@pytest.mark.parametrize("typed", ["garcai maria", "maria garica", "Garcia, Marai", "garica"])
def test_without_trigrams_a_misspelt_name_is_found_among_names_starting_alike(
    monkeypatch, django_assert_num_queries, typed
):
    # given: a server without pg_trgm (the embedded one)
    monkeypatch.setitem(search._TRIGRAMS, connection.settings_dict["NAME"], False)
    wanted = _account(first="Maria", last="Garcia")
    _account(first="Gary", last="Marsh", house="9")  # starts alike, reads otherwise
    # when: the prefixes find nothing, the names starting alike are read
    with django_assert_num_queries(2):
        hits = search_accounts(typed)
    # then
    assert _numbers(hits) == [wanted.formatted_number], typed
    assert not hits[0].exact


def test_without_trigrams_a_misspelt_street_is_found_at_the_house(monkeypatch):
    # given
    monkeypatch.setitem(search._TRIGRAMS, connection.settings_dict["NAME"], False)
    wanted = _account(last="Ruiz", house="1430", street="Heron St")
    _account(last="Chan", house="1430", street="Oak Ave")
    # when / then
    assert _numbers(search_accounts("1430 hern")) == [wanted.formatted_number]
    assert search_accounts("1430 zzzz") == []


def test_a_word_misspelt_against_a_longer_name_is_found_by_the_looser_spelling(
    django_assert_num_queries,
):
    # given: "martines" is 0.41 similar to "martinez miguel", below the close threshold
    wanted = _account(first="Miguel", last="Martinez")
    _account(first="John", last="Smith", house="9", street="Elm St")
    # when: the broader search and the close spellings find nothing, the looser ones do
    with django_assert_num_queries(3):
        hits = search_accounts("martines")
    # then
    assert _numbers(hits) == [wanted.formatted_number]


def test_the_looser_spelling_is_not_asked_when_something_was_found(django_assert_num_queries):
    # given
    wanted = _account(first="Miguel", last="Martinez")
    _account(first="Ana", last="Martin", house="9")  # "martin" is a prefix: found by the b-tree
    # when / then: the prefix and the close spellings, no looser query
    with django_assert_num_queries(2):
        hits = search_accounts("martin")
    assert wanted.pk in {hit.account_id for hit in hits}


def test_every_typed_word_may_start_any_word_of_the_name():
    # given
    wanted = _account(first="Joan", last="Smithers")
    _account(first="John", last="Brown", house="2")
    # when / then: the words' starts in either order, found by the broader query itself (not
    # left to the closest spellings)
    for typed in ("smi joa", "joa smi", "smith jo"):
        broader = search.search_queries(search.classify(typed), 20)[0]
        assert [row[0] for row in search._run(broader)] == [wanted.pk], typed
        assert _numbers(search_accounts(typed))[0] == wanted.formatted_number, typed


# --- the document, kept in the same transaction --------------------------------------------------


def _document(account) -> SearchDocument:
    return SearchDocument.objects.get(account=account)


def test_a_new_account_has_its_document_with_every_identifier():
    # given / when
    account = _account(
        customer={"phone": "5551234567", "alternate_phone": "5559876543", "email": "a@b.org"},
        premise={"apn": "431-207-15", "unit": "4B"},
    )
    # then
    document = _document(account)
    assert (document.number, document.status) == (account.number, "active")
    assert (document.phone, document.alternate_phone) == ("5551234567", "5559876543")
    assert (document.email, document.apn) == ("A@B.ORG", "43120715")
    assert (document.name, document.name_first_last) == ("garcia maria", "maria garcia")
    assert document.address == "123 main st 4b"
    assert document.customer_name == "Garcia, Maria"
    assert document.service_address == account.premise.full_address


def test_a_customer_s_new_name_and_phone_are_searched_at_once():
    # given
    account = _account(first="Maria", last="Garcia", customer={"phone": "5551234567"})
    # when
    customer = account.customer
    customer.last_name, customer.phone = "O'Brien", "5550001111"
    customer.save()
    # then: in the same transaction
    document = _document(account)
    assert (document.name, document.phone, document.customer_name) == (
        "o brien maria",
        "5550001111",
        "O'Brien, Maria",
    )
    assert _numbers(search_accounts("O'Brien Maria")) == [account.formatted_number]
    assert search_accounts("5551234567") == []


def test_a_premise_s_new_address_and_apn_are_searched_at_once():
    # given
    account = _account(house="123", street="Main St")
    # when
    premise = account.premise
    premise.house_number, premise.street, premise.apn = "77", "Sunset Blvd", "999-888-77"
    premise.save()
    # then
    assert _document(account).address == "77 sunset blvd"
    assert _numbers(search_accounts("77 sunset")) == [account.formatted_number]
    assert _numbers(search_accounts("99988877")) == [account.formatted_number]


def test_a_meter_exchange_and_a_serial_correction_move_the_serial():
    # given
    account = _account()
    installed = MeterInstallationFactory(premise=account.premise, meter__serial="OLD-SERIAL")
    # when: the old meter comes out and another goes in
    installed.removed_on, installed.removal_reading = datetime.date(2024, 1, 1), 10
    installed.save()
    MeterInstallationFactory(premise=account.premise, meter=MeterFactory(serial="NEW-1"))
    # then
    assert _document(account).serials == ["NEW-1"]
    assert search_accounts("old-serial") == []
    # when: the serial was mistyped at entry and is corrected
    Meter.objects.filter(serial="NEW-1").update(serial="NEW-2")
    # then
    assert _document(account).serials == ["NEW-2"]
    assert _numbers(search_accounts("new-2")) == [account.formatted_number]


def test_status_and_former_number_changes_reach_the_document():
    # given
    account = _account()
    # when
    ServiceAccount.objects.filter(pk=account.pk).update(status=ServiceAccount.Status.FINAL)
    LegacyAccountNumber.objects.create(account=account, number="A-100")
    # then
    document = _document(account)
    assert (document.status, document.former_number) == ("final", "A-100")


def test_rows_written_by_a_bulk_statement_get_their_documents():
    # given: a loader's INSERT ... SELECT (COPY fires the same statement triggers)
    customer = CustomerFactory(first_name="Bulk", last_name="Loaded")
    premise = PremiseFactory(house_number="5", street="Copy Ln")
    numbers = [with_check_digit(str(7000000 + n)) for n in range(3)]
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_serviceaccount (number, customer_id, premise_id, "
            "customer_class, status, start_date, billing_frequency, billing_cycle, is_owner, "
            "tenants_occupy, paperless, created_at) "
            "SELECT number, %s, %s, 'residential', 'closed', '2020-01-01', 'monthly', '1', "
            "false, false, false, now() FROM unnest(%s::text[]) AS number",
            [customer.pk, premise.pk, numbers],
        )
    # then
    assert SearchDocument.objects.filter(number__in=numbers).count() == 3
    assert len(search_accounts("loaded bulk")) == 3


# --- live results --------------------------------------------------------------------------------


def test_a_newer_keystroke_replaces_the_request_in_flight(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    html = client.get(reverse("accounts:search")).content.decode()
    # then: htmx aborts the older request (replace) and waits for a pause in the typing
    assert 'hx-sync="this:replace"' in html
    assert 'hx-trigger="input changed delay:150ms, search"' in html


def test_the_demo_seeder_s_copy_fills_every_account_s_document():
    # given / when: the seeder writes premises, meters, customers and accounts with COPY
    generate_district(accounts=60, years=1, seed=3, as_of=datetime.date(2024, 6, 30))
    # then: one document per account, its meter serials and name in it
    account = ServiceAccount.objects.filter(status="active").select_related("customer").first()
    document = _document(account)
    assert SearchDocument.objects.count() == ServiceAccount.objects.count()
    assert document.serials and document.customer_name == account.customer.display_name
    assert account.pk in [hit.account_id for hit in search_accounts(document.serials[0])]
