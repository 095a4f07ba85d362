"""journals_post_selected: journals whose lines a SELECT gives, checked and written by the
database; the same books, fingerprints and refusals as journals_post_many."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ServiceAccount
from district import roles
from district.errors import ServiceError
from district.ledger.models import AccountBalance, GLAccount, Journal, JournalLine
from district.ledger.purposes import Purpose
from district.ledger.rules import journal_fingerprint
from district.ledger.selected_posting import SelectedLines, journals_post_selected
from district.ledger.selectors import ledger_problems
from district.ledger.services import JournalDraft, Line, journals_post_many

JAN = date(2026, 1, 15)
AR, FIXED, WATER, SEWER = (
    Purpose.AR_CUSTOMERS.value,
    Purpose.WATER_SALES_FIXED.value,
    Purpose.WATER_SALES_VOLUMETRIC.value,
    Purpose.SEWER.value,
)


def _selected(rows) -> SelectedLines:
    """A SELECT of these rows: (key, source id, purpose, amount, account id, memo)."""
    return SelectedLines(
        "SELECT key, source_id, purpose, amount::numeric, account_id::bigint, memo "
        "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
        "WITH ORDINALITY AS row (key, source_id, purpose, amount, account_id, memo, n) "
        "ORDER BY n",
        [[None if row[i] is None else str(row[i]) for row in rows] for i in range(6)],
    )


def _post(rows, *, by=None, memo="Bill for January"):
    return journals_post_selected(
        _selected(rows),
        kind=Journal.Kind.BILL,
        memo=memo,
        effective_date=JAN,
        source_model=ServiceAccount,
        by=by,
    )


def _books() -> tuple[int, int, dict]:
    return (
        Journal.objects.count(),
        JournalLine.objects.count(),
        dict(AccountBalance.objects.values_list("service_account_id", "balance")),
    )


def _journal(journal_id: int) -> tuple:
    """A journal as the books hold it, its key and id aside: what it posts and its lines."""
    journal = Journal.objects.get(pk=journal_id)
    return (
        journal.kind,
        journal.memo,
        journal.effective_date,
        journal.source_type_id,
        journal.source_id,
        journal.fingerprint,
        journal.posted_by_id,
        sorted(
            JournalLine.objects.filter(journal=journal).values_list(
                "gl_account__purpose", "amount", "service_account_id", "memo", "effective_date"
            )
        ),
    )


def _bill_rows(key: str, account_id: int, charges: dict[str, str], memo: str = "") -> list:
    """A bill's journal as rows: the receivable, then each charge credited."""
    total = sum(Decimal(amount) for amount in charges.values())
    return [(key, account_id, AR, total, account_id, memo)] + [
        (key, account_id, purpose, -Decimal(amount), None, "")
        for purpose, amount in charges.items()
    ]


def _as_draft(key: str, rows) -> JournalDraft:
    return JournalDraft(
        kind=Journal.Kind.BILL,
        memo="Bill for January",
        lines=[Line(purpose, Decimal(amount), account, memo) for _k, _s, purpose, amount, account, memo in rows],
        idempotency_key=key,
        effective_date=JAN,
        source=(ServiceAccount, rows[0][1]),
    )  # fmt: skip


def test_the_same_journals_post_the_same_books_as_journals_post_many(
    make_service_account, make_user
):
    # given the same three bills posted both ways (keys apart), amounts whose texts sort
    # otherwise than their values, and one account owing from before
    first, second = make_service_account(), make_service_account()
    clerk = make_user(roles.CSR_II)
    bills = {
        "one": _bill_rows("one", first.pk, {FIXED: "9.00", WATER: "10.50", SEWER: "-2.25"}),
        "two": _bill_rows("two", first.pk, {WATER: "100.00"}, memo="Corrected"),
        "three": _bill_rows("three", second.pk, {FIXED: "5.00", WATER: "-15.00"}),
    }
    journals_post_many(
        [_as_draft("before", _bill_rows("before", second.pk, {FIXED: "4.00"}))], by=None
    )
    many = journals_post_many([_as_draft(f"many:{k}", rows) for k, rows in bills.items()], by=clerk)
    balances_after_many = dict(many.balances)
    # when they are posted again by their lines' SELECT
    selected = _post(
        [(f"set:{k}", *row[1:]) for k, rows in bills.items() for row in rows], by=clerk
    )
    # then each journal is the same (its fingerprint too), and each balance moved the same
    for key in bills:
        assert _journal(selected.ids[f"set:{key}"]) == _journal(many.ids[f"many:{key}"])
    assert selected.new == {"set:one", "set:two", "set:three"}
    assert {a: b - balances_after_many[a] for a, b in selected.balances.items()} == {
        first.pk: Decimal("117.25"),
        second.pk: Decimal("-10.00"),
    }
    assert selected.balances[second.pk] == Decimal("-16.00")
    assert ledger_problems() == []  # the cache agrees with the lines


def test_the_fingerprint_is_the_one_journal_fingerprint_gives(make_service_account):
    # given lines that sort differently by value and by text, on one GL account twice
    account = make_service_account()
    rows = [
        ("k", account.pk, WATER, "-10.00", None, ""),
        ("k", account.pk, WATER, "-5.00", None, ""),
        ("k", account.pk, AR, "9.00", account.pk, ""),
        ("k", account.pk, AR, "6.00", None, ""),
    ]
    # when
    posted = _post(rows)
    # then
    ids = dict(GLAccount.objects.values_list("purpose", "id"))
    expected = journal_fingerprint(
        kind=Journal.Kind.BILL,
        effective_date=JAN,
        lines=[(ids[purpose], Decimal(amount), acct) for _k, _s, purpose, amount, acct, _m in rows],
    )
    assert Journal.objects.get(pk=posted.ids["k"]).fingerprint == expected


def test_posting_the_same_selection_again_writes_nothing(make_service_account):
    account = make_service_account()
    rows = _bill_rows("bill:1", account.pk, {WATER: "12.00"}) + _bill_rows(
        "bill:2", account.pk, {FIXED: "3.00"}
    )
    first = _post(rows)
    books = _books()
    # when
    again = _post(rows)
    # then
    assert again.ids == first.ids
    assert again.new == frozenset() and again.balances == {}
    assert _books() == books


def test_a_used_key_with_other_lines_is_refused_and_nothing_is_written(make_service_account):
    account = make_service_account()
    _post(_bill_rows("bill:1", account.pk, {WATER: "12.00"}))
    books = _books()
    # when / then
    with pytest.raises(ServiceError) as caught:
        _post(
            _bill_rows("bill:1", account.pk, {WATER: "12.01"})
            + _bill_rows("bill:9", account.pk, {WATER: "1.00"})
        )
    assert caught.value.code == "key_reused"
    assert _books() == books


@pytest.mark.parametrize(
    ("rows", "code", "message"),
    [
        ([(AR, "10.00"), (FIXED, "-9.99")], "unbalanced", r"bad: Debits and credits differ by \$0.01"),
        ([(AR, "10.001"), (FIXED, "-10.001")], "cents", "bad: Line 1: amounts are in dollars and cents"),
        ([(AR, "10.00")], "too_few_lines", "bad: A journal needs at least two lines"),
        ([(AR, "1.00"), ("no_such", "-1.00")], "unknown_gl_account", "for no_such"),
        ([(AR, "0.00"), (FIXED, "0.00")], "zero", "bad: Line 1: the amount may not be zero"),
        ([(AR, "10000000000.00"), (FIXED, "-10000000000.00")], "too_large", "bad: Line 1: the amount is too large"),
        ([(AR, "5.00"), (FIXED, None)], "invalid", "bad: Line 2: the amount is not a number"),
    ],
)  # fmt: skip
def test_one_bad_journal_refuses_the_lot(make_service_account, rows, code, message):
    # given a good journal and a bad one
    account = make_service_account()
    selection = _bill_rows("good", account.pk, {WATER: "10.00"}) + [
        ("bad", account.pk, purpose, amount, account.pk, "") for purpose, amount in rows
    ]
    # when / then: refused, naming the bad journal (or GL account), and nothing written
    with pytest.raises(ServiceError, match=message) as caught:
        _post(selection)
    assert caught.value.code == code
    assert _books() == (0, 0, {})
    # and the next posting in the same transaction starts from nothing staged
    assert _post(_bill_rows("next", account.pk, {WATER: "1.00"})).new == {"next"}
    assert _books()[:2] == (1, 2)


def test_a_long_memo_key_two_sources_and_a_closed_gl_account_are_refused(make_service_account):
    account, other = make_service_account(), make_service_account()
    good = _bill_rows("good", account.pk, {WATER: "1.00"})
    cases = [
        (good + [("m", account.pk, AR, "1.00", None, "x" * 256), ("m", account.pk, FIXED, "-1.00", None, "")], "m: Line 1: the memo is longer"),
        (_bill_rows("k" * 121, account.pk, {WATER: "1.00"}), "longer than 120 characters"),
        ([("s", account.pk, AR, "1.00", None, ""), ("s", other.pk, FIXED, "-1.00", None, "")], "s: A journal's lines name more than one source"),
    ]  # fmt: skip
    for rows, message in cases:
        with pytest.raises(ServiceError, match=message):
            _post(rows)
    with pytest.raises(ServiceError, match="memo is required"):
        _post(good, memo=" ")
    GLAccount.objects.filter(purpose=WATER).update(is_active=False)
    with pytest.raises(ServiceError, match="closed to posting"):
        _post(good)
    assert _books() == (0, 0, {})


def test_nothing_selected_posts_nothing(db):
    assert _post([]) == journals_post_many([], by=None)
    assert _books() == (0, 0, {})


@pytest.mark.parametrize("journals", [2, 40])
def test_the_statements_do_not_grow_with_the_number_of_journals(make_service_account, journals):
    account = make_service_account()
    rows = [
        row
        for n in range(journals)
        for row in _bill_rows(f"bill:{n}", account.pk, {WATER: "1.00", FIXED: "2.00"})
    ]
    _post(_bill_rows("warm", account.pk, {WATER: "1.00"}))  # the content type cached
    with CaptureQueriesContext(connection) as queries:
        posted = _post(rows)
    assert len(posted.new) == journals
    # the savepoint and its release; the stage's tables made if need be and emptied, the
    # lines staged (their purposes returned), the GL accounts read, the journals fingerprinted
    # and checked, written, their lines, the balances
    assert len(queries) == 9
