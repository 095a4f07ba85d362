"""journals_post_many: many journals at once, the same rules as journal_post, a fixed number of
statements, and nothing posted twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from district import bulk, roles
from district.errors import ServiceError
from district.ledger import bulk_posting
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.rules import gl_accounts
from district.ledger.selectors import account_balance, ledger_problems
from district.ledger.services import (
    JournalDraft,
    Line,
    journal_post,
    journals_post_many,
    journals_post_prepared,
    journals_prepare,
)

JAN = date(2026, 1, 15)


def _bill(account_id: int, amount: str, key: str, *, source=None) -> JournalDraft:
    return JournalDraft(
        kind=Journal.Kind.BILL,
        memo=f"Bill {key}",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal(amount), account_id),
            Line(Purpose.WATER_SALES_VOLUMETRIC, -Decimal(amount)),
        ],
        idempotency_key=key,
        effective_date=JAN,
        source=source,
    )


def _books() -> tuple[int, int, dict]:
    return (
        Journal.objects.count(),
        JournalLine.objects.count(),
        dict(AccountBalance.objects.values_list("service_account_id", "balance")),
    )


def _receivable_sums() -> dict:
    return dict(
        JournalLine.objects.filter(gl_account__purpose=Purpose.AR_CUSTOMERS)
        .values_list("service_account_id")
        .annotate(total=Sum("amount"))
        .values_list("service_account_id", "total")
    )


def test_posts_every_journal_its_lines_and_the_balances(make_service_account, make_user):
    # given two accounts, one billed twice, and a payment
    first, second = make_service_account(), make_service_account()
    clerk = make_user(roles.CSR_II)
    drafts = [
        _bill(first.pk, "80.25", "bill:1", source=first),
        _bill(first.pk, "19.75", "bill:2", source=(type(first), first.pk)),
        _bill(second.pk, "42.00", "bill:3"),
        JournalDraft(
            kind=Journal.Kind.PAYMENT,
            memo="Payment",
            lines=[
                Line(Purpose.CASH_IN_BANK, Decimal("30.00")),
                Line(Purpose.AR_CUSTOMERS, Decimal("-30.00"), second.pk, "Check 101"),
            ],
            idempotency_key="payment:1",
        ),
    ]
    # when
    posted = journals_post_many(drafts, by=clerk)
    # then every journal is written, balanced, with its lines and source
    assert posted.new == {"bill:1", "bill:2", "bill:3", "payment:1"} == posted.ids.keys()
    assert not posted.repeated
    journals = {journal.idempotency_key: journal for journal in Journal.objects.all()}
    assert {key: journal.pk for key, journal in journals.items()} == posted.ids
    assert journals["bill:1"].source_id == journals["bill:2"].source_id == str(first.pk)
    assert journals["bill:1"].source_type == journals["bill:2"].source_type
    assert journals["payment:1"].effective_date == date.today()
    assert {journal.posted_by_id for journal in journals.values()} == {clerk.pk}
    for journal in journals.values():
        assert sum(line.amount for line in journal.lines.all()) == 0
    assert JournalLine.objects.get(memo="Check 101").amount == Decimal("-30.00")
    # and the balance cache moved by the receivable lines, as returned
    assert posted.balances == {first.pk: Decimal("100.00"), second.pk: Decimal("12.00")}
    assert account_balance(first.pk) == Decimal("100.00")
    assert _receivable_sums() == posted.balances
    assert ledger_problems() == []


def test_posting_the_same_journals_again_writes_nothing(make_service_account):
    # given journals posted once
    accounts = [make_service_account() for _ in range(3)]
    drafts = [_bill(a.pk, f"{n + 10}.00", f"bill:{n}") for n, a in enumerate(accounts)]
    first = journals_post_many(drafts, by=None)
    before = _books()
    # when the same drafts are posted again (a chunk re-run after a crash)
    again = journals_post_many(drafts, by=None)
    # then nothing is written twice and the same journals are returned
    assert _books() == before
    assert again.ids == first.ids
    assert again.repeated == first.new and not again.new
    assert again.balances == {}
    assert ledger_problems() == []


def test_new_and_repeated_keys_together_post_only_the_new(make_service_account):
    # given one journal posted
    account = make_service_account()
    journals_post_many([_bill(account.pk, "10.00", "bill:1")], by=None)
    # when it is posted again beside a new one
    posted = journals_post_many(
        [_bill(account.pk, "10.00", "bill:1"), _bill(account.pk, "5.00", "bill:2")], by=None
    )
    # then only the new one is written
    assert posted.new == {"bill:2"} and posted.repeated == {"bill:1"}
    assert Journal.objects.count() == 2 and JournalLine.objects.count() == 4
    assert account_balance(account.pk) == Decimal("15.00") == posted.balances[account.pk]
    assert ledger_problems() == []


def test_a_used_key_with_other_amounts_is_refused_and_nothing_is_written(make_service_account):
    # given a posted journal
    account = make_service_account()
    journals_post_many([_bill(account.pk, "10.00", "bill:1")], by=None)
    before = _books()
    # when the key comes again with another amount, beside a new journal
    with pytest.raises(ServiceError, match="already posted with different amounts") as caught:
        journals_post_many(
            [_bill(account.pk, "11.00", "bill:1"), _bill(account.pk, "5.00", "bill:2")], by=None
        )
    # then neither is written
    assert caught.value.code == "key_reused"
    assert _books() == before


@pytest.mark.parametrize(
    ("lines", "code", "message"),
    [
        ([("ar_customers", "10.00"), ("water_sales_fixed", "-9.99")], "unbalanced", "bad: Debits"),
        ([("ar_customers", "10.001"), ("water_sales_fixed", "-10.001")], "cents", "bad: Line 1"),
        ([("ar_customers", "10.00")], "too_few_lines", "bad: A journal needs"),
        ([("ar_customers", "1.00"), ("no_such", "-1.00")], "unknown_gl_account", "for no_such"),
        ([("ar_customers", "0.00"), ("water_sales_fixed", "0.00")], "zero", "bad: Line 1"),
    ],
)
def test_one_bad_journal_refuses_the_lot(make_service_account, lines, code, message):
    # given a good journal and a bad one
    account = make_service_account()
    bad = JournalDraft(
        kind=Journal.Kind.BILL,
        memo="Bad",
        lines=[Line(gl, Decimal(amount), account.pk) for gl, amount in lines],
        idempotency_key="bad",
    )
    # when / then: refused, naming the bad journal (or GL account), and nothing written
    with pytest.raises(ServiceError, match=message) as caught:
        journals_post_many([_bill(account.pk, "10.00", "good"), bad], by=None)
    assert caught.value.code == code
    assert _books() == (0, 0, {})


def test_a_closed_gl_account_a_shared_key_and_a_reversal_are_refused(make_service_account):
    account = make_service_account()
    with pytest.raises(ServiceError, match="given more than once: bill:1"):
        journals_post_many([_bill(account.pk, "1.00", "bill:1")] * 2, by=None)
    reversal = JournalDraft(
        kind=Journal.Kind.REVERSAL,
        memo="Undo",
        lines=_bill(account.pk, "1.00", "x").lines,
        idempotency_key="undo",
    )
    with pytest.raises(ServiceError, match="journal_reverse"):
        journals_post_many([reversal], by=None)
    GLAccount.objects.filter(purpose=Purpose.WATER_SALES_VOLUMETRIC).update(is_active=False)
    with pytest.raises(ServiceError, match="closed to posting"):
        journals_post_many([_bill(account.pk, "1.00", "bill:2")], by=None)
    assert _books() == (0, 0, {})


def test_journal_post_and_one_draft_post_the_same_books(make_service_account, make_user):
    # given one journal posted by journal_post and the same journal by journals_post_many
    account = make_service_account()
    clerk = make_user(roles.CSR_II)
    draft = _bill(account.pk, "33.10", "one", source=account)
    single = journal_post(
        kind=draft.kind,
        memo=draft.memo,
        lines=draft.lines,
        by=clerk,
        idempotency_key="single",
        effective_date=JAN,
        source=account,
    )
    many = Journal.objects.get(pk=journals_post_many([draft], by=clerk).ids["one"])
    # then the journals and their lines are the same, and each path recognises the other's
    fields = ("kind", "memo", "effective_date", "posted_by_id", "fingerprint", "source_type_id")
    assert [getattr(single, f) for f in fields] == [getattr(many, f) for f in fields]
    assert single.source_id == many.source_id

    def lines(journal):
        return list(
            journal.lines.order_by("id").values_list(
                "gl_account_id", "amount", "service_account_id", "effective_date", "memo"
            )
        )

    assert lines(single) == lines(many)
    assert account_balance(account.pk) == Decimal("66.20")
    again = journals_post_many(
        [draft, _bill(account.pk, "33.10", "single", source=account)], by=clerk
    )
    assert again.ids == {"one": many.pk, "single": single.pk} and not again.new
    retried = journal_post(
        kind=draft.kind,
        memo=draft.memo,
        lines=draft.lines,
        by=clerk,
        idempotency_key="one",
        effective_date=JAN,
    )
    assert retried.pk == many.pk
    assert Journal.objects.count() == 2 and ledger_problems() == []


def _statements(monkeypatch, drafts) -> int:
    """Statements journals_post_many sends: those Django sees, plus its COPYs (which Django's
    query log does not see)."""
    copies = []
    real_copy = bulk.copy_rows

    def counted_copy(*args, **kwargs):
        copies.append(1)
        return real_copy(*args, **kwargs)

    # the lines' COPY, and the COPYs that stage the journals and the balance moves
    monkeypatch.setattr(bulk_posting, "copy_rows", counted_copy)
    monkeypatch.setattr(bulk, "copy_rows", counted_copy)
    with CaptureQueriesContext(connection) as queries:
        journals_post_many(drafts, by=None)
    return len(queries) + len(copies)


@pytest.mark.parametrize("repeat", [False, True])
def test_the_statements_do_not_grow_with_the_number_of_journals(
    make_service_account, monkeypatch, repeat
):
    # given 10 and 200 journals over a few accounts (the content types already cached)
    accounts = [make_service_account() for _ in range(4)]
    journals_post_many([_bill(accounts[0].pk, "1.00", "warm", source=accounts[0])], by=None)

    def drafts(count, prefix):
        return [
            _bill(accounts[n % 4].pk, f"{n + 1}.25", f"{prefix}:{n}", source=accounts[n % 4])
            for n in range(count)
        ]

    small, large = drafts(10, "small"), drafts(200, "large")
    if repeat:  # half of each posted before: one more statement to check their fingerprints
        journals_post_many(small[:5] + large[:100], by=None)
    # when / then
    counts = (_statements(monkeypatch, small), _statements(monkeypatch, large))
    # SAVEPOINT, GL accounts, stage journals (table, COPY), INSERT journals, [fingerprints],
    # COPY lines, stage balance moves (table, COPY), balances, RELEASE
    assert counts == ((11, 11) if repeat else (10, 10))
    assert JournalLine.objects.count() == 2 * Journal.objects.count() == 2 * 211
    assert _receivable_sums() == dict(
        AccountBalance.objects.values_list("service_account_id", "balance")
    )
    assert ledger_problems() == []


def test_journals_prepared_apart_read_nothing_and_post_as_journals_post_many(
    make_service_account,
):
    # given drafts, their GL accounts read beforehand, the source's content type cached
    account = make_service_account()
    drafts = [
        _bill(account.pk, "12.50", "bill:a", source=account),
        _bill(account.pk, "7.50", "bill:b", source=account),
    ]
    accounts = gl_accounts({Purpose.AR_CUSTOMERS.value, Purpose.WATER_SALES_VOLUMETRIC.value})
    ContentType.objects.get_for_model(type(account))
    before = _books()

    # when they are prepared (as a bulk loader does while its connection is busy)
    with CaptureQueriesContext(connection) as queries:
        prepared = journals_prepare(drafts, by=None, accounts=accounts)

    # then nothing was read or written
    assert len(queries) == 0
    assert _books() == before
    # and posting them writes the journals, their lines and the balance
    posted = journals_post_prepared(prepared)
    assert posted.new == {"bill:a", "bill:b"}
    assert posted.balances == {account.pk: Decimal("20.00")}
    assert _receivable_sums() == {account.pk: Decimal("20.00")}
    assert ledger_problems() == []


def test_preparing_reads_the_gl_accounts_it_was_not_given_and_refuses_a_bad_draft(
    make_service_account,
):
    # given GL accounts that lack one the drafts name
    account = make_service_account()
    partial = gl_accounts({Purpose.AR_CUSTOMERS.value})
    good = _bill(account.pk, "5.00", "bill:good")
    bad = _bill(account.pk, "5.001", "bill:bad")

    # when / then the missing one is read, and a bad draft refuses the lot, naming its key
    assert len(journals_prepare([good], by=None, accounts=partial).journals) == 1
    with pytest.raises(ServiceError, match="bill:bad"):
        journals_prepare([good, bad], by=None, accounts=partial)
    assert Journal.objects.filter(idempotency_key__startswith="bill:").count() == 0


def _balance_checked() -> bool:
    """The balance trigger runs for this session (pgtrigger.ignore does not name it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        (ignored,) = cursor.fetchone()
    return "journal_lines_balance" not in (ignored or "")


def test_journals_checked_once_post_the_same_books_and_the_check_comes_back(
    make_service_account,
):
    accounts = [make_service_account() for _ in range(3)]
    with connection.cursor() as cursor, bulk_posting.balances_checked_once(cursor):
        assert not _balance_checked()
        for index, account in enumerate(accounts):
            journals_post_many([_bill(account.id, f"{index + 1}.25", f"once-{index}")], by=None)
    assert _balance_checked()
    assert ledger_problems() == []
    assert _books()[:2] == (3, 6)
    assert _receivable_sums() == {a.id: Decimal(f"{i + 1}.25") for i, a in enumerate(accounts)}


def test_a_journal_that_does_not_balance_is_refused_at_the_end_and_nothing_stays(
    make_service_account,
):
    account = make_service_account()
    journals_post_many([_bill(account.id, "5.00", "before")], by=None)
    books = _books()
    refused = pytest.raises(IntegrityError, match=r"journal \d+ does not balance")
    with refused, connection.cursor() as cursor, bulk_posting.balances_checked_once(cursor):
        journals_post_many([_bill(account.id, "7.00", "balanced")], by=None)
        # Written past the ledger's own checks, as only raw SQL could: one line short.
        cursor.execute(
            "INSERT INTO ledger_journal (kind, memo, effective_date, posted_at,"
            " idempotency_key, fingerprint, source_id) VALUES ('adjustment', 'raw', %s,"
            " now(), 'short', '', '') RETURNING id",
            [JAN],
        )
        (journal_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO ledger_journalline (journal_id, gl_account_id, amount,"
            " effective_date, memo) VALUES (%s, %s, 3.00, %s, '')",
            [journal_id, GLAccount.objects.first().id, JAN],
        )
    assert _books() == books
    assert _balance_checked()


def test_a_load_that_fails_inside_leaves_the_check_on(make_service_account):
    refused = pytest.raises(ServiceError)
    with refused, connection.cursor() as cursor, bulk_posting.balances_checked_once(cursor):
        journals_post_many([_bill(make_service_account().id, "0.001", "bad")], by=None)
    assert _balance_checked()
    journal_id = Journal.objects.create(
        kind="adjustment", memo="raw", effective_date=JAN, idempotency_key="after"
    ).id
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        JournalLine.objects.create(
            journal_id=journal_id,
            gl_account=GLAccount.objects.first(),
            amount=Decimal("3.00"),
            effective_date=JAN,
        )


def test_a_memo_and_key_with_tabs_newlines_and_backslashes_are_kept_as_written(
    make_service_account,
):
    draft = JournalDraft(
        kind=Journal.Kind.ADJUSTMENT,
        memo="Credit\tfor leak at 12 Main St\nper call C:\\notes",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal("-4.10"), make_service_account().id),
            Line(Purpose.WATER_SALES_VOLUMETRIC, Decimal("4.10")),
        ],
        idempotency_key="leak\\credit\t1",
        effective_date=JAN,
    )
    posted = journals_post_many([draft], by=None)
    journal = Journal.objects.get(pk=posted.ids[draft.idempotency_key])
    assert (journal.memo, journal.idempotency_key) == (draft.memo, draft.idempotency_key)
