"""The demo district generator and `seed_demo`: deterministic, valid, realistic in proportion.

Speed is measured by bench/seed.py, not here.
"""

import hashlib
import os
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pghistory.models import Events
from psycopg2.errors import QueryCanceled

from accounts.demo import DistrictNotEmpty, default_as_of, generate_district, reads
from accounts.models import Customer, ServiceAccount
from accounts.numbers import is_valid_luhn, next_account_number
from district.ledger.models import AccountBalance, Journal
from district.services import DEMO_STAFF
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise

AS_OF = date(2025, 6, 30)
SMALL = {"accounts": 60, "years": 1, "seed": 7, "as_of": AS_OF}
MEDIUM = {"accounts": 400, "years": 2, "seed": 3, "as_of": AS_OF}
DEMO_TABLES = (
    "accounts_serviceaccount, accounts_customer, field_ops_premise, field_ops_meter, "
    "field_ops_meterinstallation, field_ops_meterread, ledger_journal, ledger_journalline, "
    "ledger_accountbalance"
)


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _digest() -> str:
    """What a person sees of the district (numbers, names, addresses, reads, balances), not ids."""
    rows = _rows(
        """
        SELECT a.number, a.status, a.start_date, a.end_date, c.first_name, c.last_name,
               c.business_name, c.phone, c.email, p.house_number, p.street, p.unit, p.apn
        FROM accounts_serviceaccount a
        JOIN accounts_customer c ON c.id = a.customer_id
        JOIN field_ops_premise p ON p.id = a.premise_id
        ORDER BY a.number
        """
    )
    rows += _rows(
        """
        SELECT m.serial, r.read_on, r.reading, r.source, r.flags, r.note
        FROM field_ops_meterread r JOIN field_ops_meter m ON m.id = r.meter_id
        ORDER BY m.serial, r.read_on, r.id
        """
    )
    rows += _rows(
        """
        SELECT j.idempotency_key, j.effective_date, l.amount
        FROM ledger_journal j JOIN ledger_journalline l ON l.journal_id = j.id
        ORDER BY j.idempotency_key, l.amount
        """
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _empty_district() -> None:
    # Journals and reads refuse DELETE; TRUNCATE is how a test starts over.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DEMO_TABLES} CASCADE")


def test_the_same_seed_makes_the_same_district(db):
    # given a district made from seed 7
    generate_district(**SMALL)
    first = _digest()
    _empty_district()

    # when it is made again into an empty district
    generate_district(**SMALL)

    # then every number, name, address, read and balance is the same
    assert _digest() == first


def test_the_reads_are_the_same_whether_one_process_or_two_made_them(db, monkeypatch):
    # given blocks small enough that a medium district has many, spread over two processes
    monkeypatch.setattr(reads, "BLOCK_PREMISES", 32)
    generate_district(**MEDIUM, read_processes=1)
    first = _digest()
    dials = _rows("SELECT serial, dials FROM field_ops_meter ORDER BY serial")
    removals = _rows(
        "SELECT m.serial, i.removal_reading FROM field_ops_meterinstallation i "
        "JOIN field_ops_meter m ON m.id = i.meter_id ORDER BY m.serial"
    )
    _empty_district()

    # when the same district is made with two forked processes making the reads
    summary = generate_district(**MEDIUM, read_processes=2)

    # then every read, and every dial count and removal reading the reads fixed, is the same
    assert _digest() == first
    assert _rows("SELECT serial, dials FROM field_ops_meter ORDER BY serial") == dials
    assert any(reading is not None for _serial, reading in removals)
    assert (
        _rows(
            "SELECT m.serial, i.removal_reading FROM field_ops_meterinstallation i "
            "JOIN field_ops_meter m ON m.id = i.meter_id ORDER BY m.serial"
        )
        == removals
    )
    assert summary.rows["meter_reads"] == MeterRead.objects.count()
    assert sum(summary.read_flags.values()) > 0


def test_a_read_process_that_dies_fails_the_load_and_leaves_no_district(db, monkeypatch):
    # given a read process that dies on its second block (as one killed for memory would)
    monkeypatch.setattr(reads, "BLOCK_PREMISES", 32)
    make_block = reads.ReadMaker.block

    def dying(maker, index):
        if index == 1:
            os._exit(1)
        return make_block(maker, index)

    monkeypatch.setattr(reads.ReadMaker, "block", dying)
    # when a district is made with two read processes, then the load fails rather than waits
    # (the COPY that was taking the reads says why)
    with pytest.raises(QueryCanceled, match="BrokenProcessPool.*terminated abruptly"):
        generate_district(**MEDIUM, read_processes=2)
    # and nothing of it was written
    assert not ServiceAccount.objects.exists()
    assert not MeterRead.objects.exists()


def test_another_seed_makes_another_district(db):
    generate_district(**SMALL)
    first = _digest()
    _empty_district()

    generate_district(**{**SMALL, "seed": 8})

    assert _digest() != first


def test_summary_counts_what_was_written(db):
    summary = generate_district(**SMALL)

    assert summary.rows["premises"] == Premise.objects.count() == 60
    assert summary.rows["meters"] == Meter.objects.count()
    assert summary.rows["meter_installations"] == MeterInstallation.objects.count()
    assert summary.rows["customers"] == Customer.objects.count()
    assert summary.rows["service_accounts"] == ServiceAccount.objects.count()
    assert summary.rows["meter_reads"] == MeterRead.objects.count()
    assert summary.rows["journals"] == Journal.objects.count()
    assert summary.rows["account_balances"] == AccountBalance.objects.count()
    assert summary.history_start == date(2024, 7, 1)
    assert any("rows in" in line for line in summary.report())


def test_account_numbers_pass_luhn_and_the_sequence_continues_after_them(db):
    generate_district(**SMALL)

    numbers = list(ServiceAccount.objects.values_list("number", flat=True))
    assert numbers and all(is_valid_luhn(number) for number in numbers)
    following = next_account_number()
    assert is_valid_luhn(following)
    assert int(following[:-1]) > max(int(number[:-1]) for number in numbers)


def test_every_premise_has_at_most_one_active_account_and_a_few_are_vacant(db):
    generate_district(**SMALL)

    active = _rows(
        """
        SELECT p.id, count(a.id) FILTER (WHERE a.status = 'active')
        FROM field_ops_premise p LEFT JOIN accounts_serviceaccount a ON a.premise_id = p.id
        GROUP BY p.id
        """
    )
    assert len(active) == 60
    assert {count for _premise, count in active} == {0, 1}
    vacant = sum(1 for _premise, count in active if count == 0)
    assert 1 <= vacant <= 6  # moved out lately: where a trainer starts service


def test_moved_out_accounts_end_before_the_next_one_starts(db):
    generate_district(**MEDIUM)

    ended = ServiceAccount.objects.exclude(status="active")
    assert ended.exists()
    assert not ended.filter(end_date__isnull=True).exists()
    overlapping = _rows(
        """
        SELECT count(*) FROM accounts_serviceaccount earlier
        JOIN accounts_serviceaccount later
          ON later.premise_id = earlier.premise_id AND later.start_date > earlier.start_date
        WHERE earlier.end_date > later.start_date
        """
    )
    assert overlapping == [(0,)]


def test_reads_never_go_down_on_a_meter(db):
    generate_district(**MEDIUM)

    backwards = _rows(
        """
        SELECT count(*) FROM (
            SELECT reading < lag(reading) OVER (PARTITION BY meter_id ORDER BY read_on, id)
                AS went_down
            FROM field_ops_meterread
        ) reads WHERE went_down
        """
    )
    assert backwards == [(0,)]
    assert MeterRead.objects.count() > 400 * 12


def test_exchanges_split_the_reads_between_the_old_and_the_new_meter(db):
    generate_district(**MEDIUM)

    removed = MeterInstallation.objects.filter(removed_on__isnull=False).select_related("meter")
    assert removed.exists()
    for installation in removed:
        last_read = MeterRead.objects.filter(meter=installation.meter).latest("read_on", "id")
        assert last_read.read_on == installation.removed_on
        assert last_read.reading == installation.removal_reading
        assert "meter_change" in last_read.flags
        assert installation.meter.status == Meter.Status.REMOVED
        successor = MeterInstallation.objects.get(
            premise_id=installation.premise_id, installed_on=installation.removed_on
        )
        first_read = MeterRead.objects.filter(meter_id=successor.meter_id).earliest("read_on", "id")
        assert (first_read.read_on, first_read.reading) == (installation.removed_on, 0)


def test_reads_stay_inside_their_installation_and_register(db):
    generate_district(**MEDIUM)

    outside = _rows(
        """
        SELECT count(*) FROM field_ops_meterread r
        JOIN field_ops_meterinstallation i ON i.meter_id = r.meter_id
        JOIN field_ops_meter m ON m.id = r.meter_id
        WHERE r.read_on < i.installed_on OR r.read_on > COALESCE(i.removed_on, DATE '2025-06-30')
           OR r.reading >= power(10, m.dials)
        """
    )
    assert outside == [(0,)]


def test_journals_balance_and_the_balance_cache_equals_the_receivable_lines(db):
    generate_district(**SMALL)

    unbalanced = _rows(
        """
        SELECT journal_id FROM ledger_journalline GROUP BY journal_id
        HAVING sum(amount) <> 0 OR count(*) <> 2
        """
    )
    assert unbalanced == []
    mismatched = _rows(
        """
        SELECT coalesce(b.service_account_id, ar.service_account_id)
        FROM ledger_accountbalance b
        FULL JOIN (
            SELECT l.service_account_id, sum(l.amount) AS total
            FROM ledger_journalline l JOIN ledger_glaccount g ON g.id = l.gl_account_id
            WHERE g.purpose = 'ar_customers' GROUP BY l.service_account_id
        ) ar ON ar.service_account_id = b.service_account_id
        WHERE b.balance IS DISTINCT FROM ar.total
        """
    )
    assert mismatched == []
    call_command("check_ledger", stdout=StringIO())


def test_opening_balances_date_from_the_conversion_or_the_final_bill(db):
    generate_district(**MEDIUM)

    journals = list(
        Journal.objects.values_list("kind", "idempotency_key", "effective_date", "fingerprint")
    )
    numbers = set(ServiceAccount.objects.values_list("number", flat=True))
    assert {kind for kind, *_rest in journals} == {Journal.Kind.OPENING_BALANCE}
    assert {key.removeprefix("demo-opening-") for _kind, key, *_rest in journals} <= numbers
    dates = [effective for _kind, _key, effective, _print in journals]
    # Active accounts carry what they owed the day before the history (bill runs bill them
    # since); moved-out accounts owe their final bill, dated lately.
    conversion = date(2023, 6, 30)
    assert conversion in dates
    assert all(d == conversion or AS_OF - timedelta(days=120) <= d <= AS_OF for d in dates)
    assert all(len(fingerprint) == 64 for *_rest, fingerprint in journals)
    balances = list(AccountBalance.objects.values_list("balance", flat=True))
    assert sum(1 for balance in balances if balance > 0) > sum(1 for b in balances if b < 0) > 0


def test_records_pass_model_validation(db):
    generate_district(**SMALL)

    for model in (Premise, Meter, MeterInstallation, Customer, ServiceAccount):
        for record in model.objects.all():
            record.full_clean()


def test_proportions_look_like_a_california_district(db):
    generate_district(**MEDIUM)

    premises = Premise.objects.count()

    def share(queryset, of) -> float:
        return queryset.count() / of

    assert 0.78 <= share(Premise.objects.filter(premise_type="single_family"), premises) <= 0.92
    assert 0.03 <= share(Premise.objects.filter(premise_type="multi_family"), premises) <= 0.12
    assert 0.02 <= share(Premise.objects.filter(premise_type="commercial"), premises) <= 0.09
    assert 0.01 <= share(Premise.objects.filter(premise_type="irrigation"), premises) <= 0.06
    meters = Meter.objects.filter(status=Meter.Status.INSTALLED)
    assert share(meters.filter(size__in=["5/8", "3/4"]), meters.count()) >= 0.6
    assert share(meters.filter(unit="hcf"), meters.count()) >= 0.85
    people = Customer.objects.filter(kind="person")
    assert 0.15 <= share(people.filter(language="es"), people.count()) <= 0.40
    assert 0.45 <= share(people.exclude(email=""), people.count()) <= 0.75
    assert Premise.objects.exclude(unit="").exists()
    assert Premise.objects.filter(apn__regex=r"^\d{3}-\d{3}-\d{2}$").count() == premises
    assert ServiceAccount.objects.filter(billing_frequency="bimonthly").exists()
    assert MeterRead.objects.filter(flags__contains=["zero"]).exists()
    assert MeterRead.objects.filter(flags__contains=["high"]).exists()


def test_customer_class_matches_the_premise(db):
    generate_district(**SMALL)

    pairs = set(ServiceAccount.objects.values_list("premise__premise_type", "customer_class"))
    assert pairs <= {
        ("single_family", "residential"),
        ("multi_family", "multi_family"),
        ("commercial", "commercial"),
        ("irrigation", "irrigation"),
    }


def test_history_is_attributed_to_the_command(db):
    generate_district(**SMALL)

    premise = Premise.objects.first()
    events = list(Events.objects.tracks(premise))
    assert [event.pgh_label for event in events] == ["insert"]
    assert events[0].pgh_context["command"] == "seed_demo"


def test_generating_into_a_district_with_accounts_is_refused(db):
    generate_district(**SMALL)
    before = _digest()

    with pytest.raises(DistrictNotEmpty):
        generate_district(**{**SMALL, "seed": 9})

    assert _digest() == before


def test_history_ends_with_the_last_full_month():
    assert default_as_of(date(2026, 3, 15)) == date(2026, 2, 28)
    assert default_as_of(date(2026, 1, 1)) == date(2025, 12, 31)


def test_command_prints_the_demo_sign_ins_and_loads_an_empty_district(db):
    output = StringIO()

    call_command(
        "seed_demo", "--if-new", "--accounts", "20", "--years", "1", "--as-of", "2025-06-30",
        stdout=output,
    )  # fmt: skip

    text = output.getvalue()
    assert "password: district-demo" in text
    for _role, username, _first, _last in DEMO_STAFF:
        assert username in text
    assert Premise.objects.count() == 20
    assert "20 active accounts" in text


def test_command_if_new_leaves_a_district_with_accounts_alone(db):
    generate_district(**SMALL)
    before = _digest()
    output = StringIO()

    call_command("seed_demo", "--if-new", stdout=output)

    assert _digest() == before
    assert "demo-supervisor" in output.getvalue()
    assert "none added" in output.getvalue()


def test_command_without_if_new_refuses_a_district_with_accounts(db):
    generate_district(**SMALL)
    before = _digest()

    with pytest.raises(CommandError, match="only loaded into an empty district"):
        call_command("seed_demo", stdout=StringIO())

    assert _digest() == before
