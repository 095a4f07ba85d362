import random
from datetime import date, timedelta
from decimal import Decimal

from district.ledger.models import Journal
from district.ledger.selectors import (
    Aging,
    account_activity,
    account_aging,
    account_balance,
    account_balances,
    district_aging,
    trial_balance,
)
from district.ledger.services import Line, journal_post, journal_reverse
from tests.factories import new_key, post_bill, post_payment

D = Decimal
AS_OF = date(2026, 6, 30)


def _sum_agings(agings: list[Aging]) -> Aging:
    return Aging(
        *(
            sum((getattr(aging, name) for aging in agings), D("0.00"))
            for name in Aging.__annotations__
        )
    )


def test_balances_of_several_accounts_in_one_query(make_service_account, django_assert_num_queries):
    # given
    owing, paid_up, untouched = (make_service_account() for _ in range(3))
    post_bill(owing.pk, "12.50", AS_OF)
    post_bill(paid_up.pk, "20.00", AS_OF)
    post_payment(paid_up.pk, "20.00", AS_OF)
    # when
    with django_assert_num_queries(1):
        balances = account_balances([owing.pk, paid_up.pk, untouched.pk])
    # then
    assert balances == {owing.pk: D("12.50"), paid_up.pk: D("0.00"), untouched.pk: D("0.00")}
    assert account_balance(untouched.pk) == D("0.00")


def test_activity_lists_lines_oldest_first_with_running_balance(
    service_account, django_assert_num_queries
):
    # given
    post_bill(service_account.pk, "100.00", date(2026, 2, 1))
    post_bill(service_account.pk, "90.00", date(2026, 1, 1))  # posted late, dated earlier
    post_payment(service_account.pk, "150.00", date(2026, 2, 10))
    post_bill(service_account.pk, "80.00", date(2026, 3, 1))
    # when
    with django_assert_num_queries(1):
        activity = account_activity(service_account.pk)
    # then
    assert [(line.date, line.kind, line.amount, line.running_balance) for line in activity] == [
        (date(2026, 1, 1), "Bill", D("90.00"), D("90.00")),
        (date(2026, 2, 1), "Bill", D("100.00"), D("190.00")),
        (date(2026, 2, 10), "Payment", D("-150.00"), D("40.00")),
        (date(2026, 3, 1), "Bill", D("80.00"), D("120.00")),
    ]
    assert activity[-1].running_balance == account_balance(service_account.pk)
    assert activity[0].memo == "Bill 2026-01-01"


def test_activity_with_limit_keeps_the_running_balance_of_all_lines(service_account):
    # given
    post_bill(service_account.pk, "100.00", date(2026, 1, 1))
    post_bill(service_account.pk, "100.00", date(2026, 2, 1))
    post_payment(service_account.pk, "50.00", date(2026, 2, 5))
    post_bill(service_account.pk, "100.00", date(2026, 3, 1))
    # when
    latest = account_activity(service_account.pk, limit=2)
    # then
    assert [(line.date, line.running_balance) for line in latest] == [
        (date(2026, 2, 5), D("150.00")),
        (date(2026, 3, 1), D("250.00")),
    ]


def test_activity_shows_only_the_accounts_receivable_lines(make_service_account):
    # given
    account, other = make_service_account(), make_service_account()
    post_bill(account.pk, "10.00", AS_OF)
    post_bill(other.pk, "99.00", AS_OF)
    journal_post(
        kind=Journal.Kind.DEPOSIT,
        memo="Deposit",
        lines=[
            Line("cash_in_bank", D("150.00")),
            Line("customer_deposits", D("-150.00"), service_account_id=account.pk),
        ],
        by=None,
        idempotency_key=new_key(),
    )
    # when
    activity = account_activity(account.pk)
    # then
    assert [line.amount for line in activity] == [D("10.00")]


def test_aging_applies_payments_to_the_oldest_charges_first(service_account):
    # given
    post_bill(service_account.pk, "100.00", date(2026, 1, 31))  # 150 days old
    post_bill(service_account.pk, "100.00", date(2026, 3, 31))  # 91 days
    post_bill(service_account.pk, "100.00", date(2026, 4, 30))  # 61 days
    post_bill(service_account.pk, "100.00", date(2026, 5, 31))  # 30 days
    post_bill(service_account.pk, "100.00", date(2026, 6, 20))  # 10 days
    post_payment(service_account.pk, "150.00", date(2026, 6, 1))  # pays Jan and half of Mar
    post_bill(service_account.pk, "40.00", date(2026, 7, 5))  # after the as-of date
    # when
    aging = account_aging(service_account.pk, as_of=AS_OF)
    # then
    assert aging == Aging(
        current=D("100.00"),
        days_30=D("100.00"),
        days_60=D("100.00"),
        days_90=D("50.00"),
        days_120_plus=D("0.00"),
        total=D("350.00"),
    )
    assert aging.past_due == D("250.00")


def test_aging_bucket_edges(service_account):
    # given: charges exactly 29, 30, 59, 60, 89, 90, 119 and 120 days old
    for days, amount in [(29, "1"), (30, "2"), (59, "4"), (60, "8")]:
        post_bill(service_account.pk, amount, date.fromordinal(AS_OF.toordinal() - days))
    for days, amount in [(89, "16"), (90, "32"), (119, "64"), (120, "128")]:
        post_bill(service_account.pk, amount, date.fromordinal(AS_OF.toordinal() - days))
    # when
    aging = account_aging(service_account.pk, as_of=AS_OF)
    # then
    assert (aging.current, aging.days_30, aging.days_60, aging.days_90, aging.days_120_plus) == (
        D("1.00"),
        D("6.00"),
        D("24.00"),
        D("96.00"),
        D("128.00"),
    )


def test_aging_of_a_credit_balance_is_negative_current(service_account):
    # given
    post_bill(service_account.pk, "50.00", date(2026, 1, 10))
    post_payment(service_account.pk, "80.00", date(2026, 2, 10))
    # when
    aging = account_aging(service_account.pk, as_of=AS_OF)
    # then
    assert aging == Aging(D("-30.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("-30.00"))


def test_aging_of_an_account_without_lines_is_zero(service_account):
    # when
    aging = account_aging(service_account.pk, as_of=AS_OF)
    # then
    assert aging == Aging(*[D("0.00")] * 6)


def test_aging_counts_a_reversal_as_a_credit(service_account):
    # given
    post_bill(service_account.pk, "60.00", date(2026, 3, 1))
    wrong = post_bill(service_account.pk, "45.00", date(2026, 6, 1))
    journal_reverse(
        journal=wrong,
        by=None,
        reason="Billed twice",
        idempotency_key=new_key(),
        effective_date=date(2026, 6, 5),
    )
    # when
    aging = account_aging(service_account.pk, as_of=AS_OF)
    # then
    assert aging.total == D("60.00") == account_balance(service_account.pk)
    assert aging.days_120_plus == D("15.00")  # the credit paid the oldest charge
    assert aging.current == D("45.00")


def test_district_aging_equals_sum_of_account_agings(
    make_service_account, django_assert_num_queries
):
    # given
    accounts = [make_service_account() for _ in range(4)]
    post_bill(accounts[0].pk, "100.00", date(2026, 1, 31))
    post_bill(accounts[0].pk, "70.00", date(2026, 5, 31))
    post_payment(accounts[0].pk, "30.00", date(2026, 6, 10))
    post_bill(accounts[1].pk, "25.00", date(2026, 6, 25))
    post_bill(accounts[2].pk, "50.00", date(2026, 3, 1))
    post_payment(accounts[2].pk, "75.00", date(2026, 3, 20))
    post_bill(accounts[3].pk, "33.33", date(2026, 4, 15))
    # when
    with django_assert_num_queries(1):
        district = district_aging(as_of=AS_OF)
    # then
    assert district == _sum_agings([account_aging(a.pk, as_of=AS_OF) for a in accounts])
    assert district.total == sum(account_balances([a.pk for a in accounts]).values())
    assert district.current == D("25.00") + D("-25.00")


def test_trial_balance_balances_and_respects_the_date(service_account, django_assert_num_queries):
    # given
    post_bill(service_account.pk, "120.00", date(2026, 5, 1))
    post_payment(service_account.pk, "100.00", date(2026, 5, 20))
    post_bill(service_account.pk, "999.00", date(2026, 7, 1))  # after the as-of date
    # when
    with django_assert_num_queries(1):
        books = trial_balance(as_of=AS_OF)
    # then
    by_code = {row.code: row for row in books.rows}
    assert books.balanced
    assert books.total_debit == books.total_credit == D("120.00")
    assert (by_code["1010"].debit, by_code["1010"].credit) == (D("100.00"), D("0.00"))
    assert (by_code["1200"].debit, by_code["1200"].balance) == (D("20.00"), D("20.00"))
    assert (by_code["4020"].credit, by_code["4020"].balance) == (D("120.00"), D("-120.00"))
    assert by_code["4020"].kind == "Revenue"
    assert by_code["4300"].balance == D("0.00")  # active accounts show even without lines


def _reference_aging(entries: list[tuple[date, Decimal]], as_of: date) -> Aging:
    """Balance forward the slow, obvious way: credits pay charges oldest first, one by one."""
    entries = [(on, order, amount) for order, (on, amount) in enumerate(entries) if on <= as_of]
    credits = -sum((amount for _, _, amount in entries if amount < 0), D("0.00"))
    buckets = [D("0.00")] * 5
    for on, _, amount in sorted(entry for entry in entries if entry[2] > 0):
        paid = min(amount, credits)
        credits -= paid
        buckets[min((as_of - on).days // 30, 4)] += amount - paid
    balance = sum((amount for _, _, amount in entries), D("0.00"))
    buckets[0] += min(balance, D("0.00"))
    return Aging(*buckets, total=balance)


def test_aging_matches_a_charge_by_charge_reference(make_service_account):
    # given: a year of bills and irregular payments on a few accounts (fixed seed)
    generator = random.Random(20260630)
    history = {}
    for _ in range(5):
        account = make_service_account()
        entries = []
        for _ in range(18):
            on = date(2025, 7, 1) + timedelta(days=generator.randrange(365))
            if generator.random() < 0.6:
                amount = D(generator.randrange(100, 20000)) / 100
                post_bill(account.pk, str(amount), on)
                entries.append((on, amount))
            else:
                amount = D(generator.randrange(100, 15000)) / 100
                post_payment(account.pk, str(amount), on)
                entries.append((on, -amount))
        history[account.pk] = entries
    for as_of in (date(2025, 12, 31), AS_OF):
        # when
        agings = {pk: account_aging(pk, as_of=as_of) for pk in history}
        district = district_aging(as_of=as_of)
        # then
        for pk, entries in history.items():
            assert agings[pk] == _reference_aging(entries, as_of)
        assert district == _sum_agings(list(agings.values()))
