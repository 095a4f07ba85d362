"""Two years of the demo district, replayed day by day through the services a district uses.

On each day of the history (the clock set to it, accounts.demo.clock): the bill runs of the
periods billed that day are calculated by the rate engine, audited and posted to the ledger;
customers pay as they habitually do (card or ACH through the processor, checks by mail, or in
the last months the counter in cash, check, money order or card); the drawers close and the
day's money goes to the bank; now and then a check comes back unpaid; late penalties are
assessed on Mondays. The processor's settlement file and the typed mail batch come once a week,
on Friday (each card/ACH line keeps the day it was paid): a week's payments are all posted
before the next Monday's penalties, so none turns late by waiting for its batch. Some customers
stop paying at different points, so every aging bucket holds accounts; tenants who moved in
lately are charged a deposit. The last days add customer cases and work orders for two
technicians.

Deterministic for a seed and a `today`: each account's habits come from its number and the
seed, and the days are replayed in order.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from accounts.demo import activity
from accounts.demo.clock import SimulatedClock
from accounts.models import ServiceAccount
from billing.bill_runs.services import (
    bill_exception_accept,
    bill_run_calculate,
    bill_run_create,
    bill_run_post,
    bill_run_post_bills,
)
from billing.calendar.services import period_schedule
from billing.models import Bill, BillException, BillingPeriod
from billing.penalties.services import late_penalties_assess
from district.ledger.models import AccountBalance
from district.money import ZERO
from field_ops.models import MeterRead
from payments.batches.services import batch_create, batch_item_add, batch_post
from payments.batches.services.imports import payment_file_import
from payments.counter.denominations import DENOMINATIONS
from payments.counter.services import (
    CloseCount,
    PaymentIn,
    TenderIn,
    depositable_amount,
    drawer_close,
    drawer_open,
    payment_post,
)
from payments.demo.collections import DemoCollections
from payments.deposits.services import bank_deposit_prepare
from payments.models import Drawer, DrawerSession, Payment, Tender
from payments.returns.services import returned_item_record

COUNTER_DAYS = 90  # the counter's drawers are replayed for the last days (the rest pays by mail)
RETURNED_CHECKS = 4
FLOAT = {"20": 5, "10": 5, "5": 8, "1": 20, "coin-0.25": 40, "coin-0.10": 50, "coin-0.05": 40, "coin-0.01": 50}  # fmt: skip
# Habitual channel (weights in percent).
CHANNELS = (("card", 20), ("ach", 20), ("mail", 25), ("counter", 35))
# Counter tenders in turn, as a day's customers come: half cash, then checks, cards, money orders.
COUNTER_TENDERS = ("cash", "check", "cash", "card", "money_order", "cash", "check", "cash")
# Days after the bill date a customer pays, and how many stop paying how long ago (percent):
# the ages put accounts in every aging bucket (current, 30, 60, 90, 120+).
STOPPED_PAYING = ((35, 5), (65, 4), (95, 3), (130, 3), (220, 2))
LATE_REVIEW = "Demo history: reviewed on the audit screen, the bill stands."


@dataclass
class Habit:
    channel: str
    delay: int  # days after the bill date
    stopped_after: datetime.date | None  # bills dated after it go unpaid


@dataclass
class Totals:
    bill_runs: int = 0
    bills: int = 0
    payments: dict = field(default_factory=lambda: defaultdict(int))
    returned: int = 0
    sessions: int = 0
    deposits: int = 0
    batches: int = 0
    deposits_held: int = 0
    cases: int = 0
    work_orders: int = 0
    collections: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        tenders = ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.payments.items()))
        return [
            f"  bill runs {self.bill_runs:,} ({self.bills:,} bills posted)",
            f"  payments by tender: {tenders}",
            f"  mail/processor batches {self.batches:,}, drawer sessions closed {self.sessions:,}, "
            f"bank deposits {self.deposits:,}, returned checks {self.returned:,}",
            f"  deposits charged {self.deposits_held:,}, cases {self.cases:,}, "
            f"work orders {self.work_orders:,}",
            *self.collections,
        ]


def _pick(rng, weighted):
    roll = rng.randrange(sum(weight for _value, weight in weighted))
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    raise AssertionError("unreachable")


def _habit(seed: int, account: ServiceAccount, today: datetime.date) -> Habit:
    rng = random.Random(f"{seed}:habit:{account.number}")
    stopped_after = None
    roll = rng.randrange(100)
    for days, percent in STOPPED_PAYING:
        if roll < percent:
            stopped_after = today - datetime.timedelta(days=days)
            break
        roll -= percent
    late = rng.randrange(100) < 12
    return Habit(
        channel=_pick(rng, CHANNELS),
        delay=rng.randrange(22, 30) if late else rng.randrange(4, 20),
        stopped_after=stopped_after,
    )


def _business_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _once_per_account(rows: list[tuple]) -> list[tuple]:
    """A customer's first payment of the week (a second one would pay the same balance)."""
    seen, kept = set(), []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            kept.append(row)
    return kept


def _coins(amount: Decimal, base: dict | None = None) -> dict:
    """A count of currency and coin worth `amount` (largest pieces first), on top of `base`."""
    count = dict(base or {})
    left = amount
    for denomination in DENOMINATIONS:
        if denomination.key in ("2", "coin-1", "coin-0.50"):
            continue
        pieces = int(left // denomination.value)
        if pieces:
            count[denomination.key] = count.get(denomination.key, 0) + pieces
            left -= pieces * denomination.value
    assert left == 0, amount
    return count


class History:
    def __init__(self, *, seed: int, today: datetime.date, password: str, out=None):
        self.seed, self.today = seed, today
        self.rng = random.Random(f"{seed}:history")
        self.staff = activity.staff_users(password)
        self.totals = Totals()
        self.out = out or (lambda line: None)
        self.habits: dict[int, Habit] = {}
        self.due: dict[datetime.date, list[int]] = defaultdict(list)  # day -> account ids
        self.counter_payments = 0
        self.check_tenders: list[int] = []  # ids of check tenders that reached the bank
        # Card/ACH and mailed checks of the week so far: (account id, number, amount, day paid).
        self.week_processor: list[tuple] = []
        self.week_mail: list[tuple] = []

    # -- the bills

    def _bill(self, period: BillingPeriod) -> None:
        by = self.staff["supervisor"]
        period_schedule(period=period, by=by)
        run = bill_run_create(period=period, by=by)
        bill_run_calculate(run_id=run.pk)
        for exception_id in BillException.objects.filter(
            run=run, status=BillException.Status.OPEN, blocking=True
        ).values_list("pk", flat=True):
            bill_exception_accept(exception_id=exception_id, by=by, note=LATE_REVIEW)
        bill_run_post(run_id=run.pk, by=by)
        # Posting runs after commit; inside a caller's transaction it has not yet: post now
        # (a run already posted is left as it is).
        bill_run_post_bills(run_id=run.pk, by=by)
        bills = list(
            Bill.objects.filter(run=run, status=Bill.Status.POSTED).select_related("account")
        )
        self.totals.bill_runs += 1
        self.totals.bills += len(bills)
        for bill in bills:
            habit = self._habit_of(bill.account)
            if habit.stopped_after and bill.bill_date > habit.stopped_after:
                continue
            paid_on = _business_day(bill.bill_date + datetime.timedelta(days=habit.delay))
            if paid_on <= self.today:
                self.due[paid_on].append(bill.account_id)

    def _habit_of(self, account: ServiceAccount) -> Habit:
        if account.pk not in self.habits:
            self.habits[account.pk] = _habit(self.seed, account, self.today)
        return self.habits[account.pk]

    # -- the payments of a day

    def _pay(self, day: datetime.date, clock: SimulatedClock, *, week_ends: bool) -> None:
        """The day's payments: the counter's at once; the processor's and the mail's are
        gathered and come in one settlement file and one mail batch at the week's end."""
        account_ids = sorted(set(self.due.pop(day, [])))
        balances = dict(
            AccountBalance.objects.filter(service_account_id__in=account_ids).values_list(
                "service_account_id", "balance"
            )
        )
        numbers = dict(
            ServiceAccount.objects.filter(pk__in=account_ids).values_list("pk", "number")
        )
        counter = []
        counter_era = (self.today - day).days <= COUNTER_DAYS
        for account_id in account_ids:
            amount = balances.get(account_id, ZERO)
            if amount <= 0:
                continue
            channel = self.habits[account_id].channel
            if channel == "counter" and not counter_era:
                channel = "mail"
            row = (account_id, numbers[account_id], amount, day)
            if channel == "counter":
                counter.append(row)
            elif channel == "mail":
                self.week_mail.append(row)
            else:
                self.week_processor.append(row)
        batch = None
        if week_ends:
            clock.set(day, hour=9)
            self._processor(day, _once_per_account(self.week_processor))
            clock.set(day, hour=11)
            batch = self._mail(day, _once_per_account(self.week_mail))
            self.week_processor, self.week_mail = [], []
        sessions = [
            session
            for session in self._counter(day, counter, clock)
            if depositable_amount(session) > 0  # cards alone settle through the processor
        ]
        if batch is not None or sessions:
            clock.set(day, hour=17)
            bank_deposit_prepare(
                session_ids=[session.pk for session in sessions],
                batch_ids=[batch.pk] if batch else [],
                currency_count=_coins(
                    sum((self._cash_to_bank(session) for session in sessions), ZERO)
                ),
                by=self.staff["finance"],
                idempotency_key=f"demo-deposit:{day.isoformat()}",
            )
            self.totals.deposits += 1
            self.check_tenders += Tender.objects.filter(
                kind=Tender.Kind.CHECK, payment__session__in=sessions
            ).values_list("pk", flat=True)
            if batch is not None:
                self.check_tenders += Tender.objects.filter(
                    kind=Tender.Kind.CHECK, payment__batch=batch
                ).values_list("pk", flat=True)

    @staticmethod
    def _cash_to_bank(session: DrawerSession) -> Decimal:
        checks = (session.counted_checks or ZERO) + (session.counted_money_orders or ZERO)
        return depositable_amount(session) - checks

    def _processor(self, day, rows) -> None:
        if not rows:
            return
        lines = ["transaction_id,settled_on,account_number,amount,payer_name,method,last4,paid_on"]
        for account_id, number, amount, paid_on in rows:
            method = self.habits[account_id].channel
            last4 = f"{self.rng.randrange(10000):04d}" if method == "card" else ""
            lines.append(
                f"T{paid_on:%Y%m%d}{account_id:07d},{day.isoformat()},{number},{amount},"
                f"Demo payer,{method},{last4},{paid_on.isoformat()}"
            )
            self.totals.payments[method] += 1
        payment_file_import(
            content=("\n".join(lines) + "\n").encode(),
            file_name=f"settlement-{day.isoformat()}.csv",
            file_format="processor-csv",
            by=self.staff["finance"],
        )
        self.totals.batches += 1

    def _mail(self, day, rows):
        if not rows:
            return None
        by = self.staff["csr"]
        batch = batch_create(
            kind="mail",
            control_count=len(rows),
            control_total=sum((amount for _a, _n, amount, _d in rows), ZERO),
            by=by,
            description=f"Mail of the week to {day:%m/%d/%Y}",
        )
        for account_id, number, amount, _paid_on in rows:
            batch_item_add(
                batch_id=batch.pk,
                entered_as=number,
                amount=amount,
                by=by,
                check_number=str(1000 + account_id % 9000),
            )
            self.totals.payments["check"] += 1
        self.totals.batches += 1
        return batch_post(batch_id=batch.pk, by=by)

    def _counter(self, day, rows, clock) -> list[DrawerSession]:
        if not rows:
            return []
        cashier = self.staff["csr"]
        drawer = Drawer.objects.filter(is_active=True).order_by("name").first()
        clock.set(day, hour=8)
        session = drawer_open(drawer=drawer, cashier=cashier, opening_count=FLOAT)
        for position, (account_id, _number, amount, _day) in enumerate(rows):
            clock.set(day, hour=9 + position % 8, minute=position * 7 % 60)
            kind = COUNTER_TENDERS[self.counter_payments % len(COUNTER_TENDERS)]
            self.counter_payments += 1
            tender = TenderIn(kind=kind, amount=amount)
            if kind in ("check", "money_order"):  # paper carries its number
                tender = TenderIn(kind=kind, amount=amount, check_number=str(2000 + position))
            elif kind == "card":
                tender = TenderIn(
                    kind=kind, amount=amount, card_last4="4242", approval_code=f"A{position:05d}"
                )
            payment_post(
                session_id=session.pk,
                by=cashier,
                payment=PaymentIn(allocations=[(account_id, amount)], tenders=[tender]),
                idempotency_key=f"demo-counter:{day.isoformat()}:{account_id}",
                effective_date=day,
            )
            self.totals.payments[kind] += 1
        clock.set(day, hour=16, minute=30)
        sums = defaultdict(lambda: ZERO)
        for kind, amount in Tender.objects.filter(payment__session=session).values_list(
            "kind", "amount"
        ):
            sums[kind] += amount
        checks = Tender.objects.filter(payment__session=session, kind=Tender.Kind.CHECK).count()
        session = drawer_close(
            session_id=session.pk,
            by=cashier,
            count=CloseCount(
                cash=_coins(sums["cash"], FLOAT),
                checks_total=sums["check"],
                check_items=checks,
                money_orders_total=sums["money_order"],
                cards_total=sums["card"],
            ),
        )
        self.totals.sessions += 1
        return [session]

    # -- the rest

    def _return_checks(self, clock) -> None:
        """A few checks of the last months come back unpaid (insufficient funds)."""
        recent = sorted(self.check_tenders)[-200:]
        for tender_id in self.rng.sample(recent, min(RETURNED_CHECKS, len(recent))):
            payment = Payment.objects.get(tenders__pk=tender_id)
            returned_on = _business_day(payment.effective_date + datetime.timedelta(days=6))
            if returned_on > self.today:
                continue
            clock.set(returned_on, hour=10)
            returned_item_record(
                tender_id=tender_id,
                reason="nsf",
                returned_on=returned_on,
                by=self.staff["finance"],
                bank_reference=f"RTN{tender_id:08d}",
            )
            self.totals.returned += 1

    def _front_office(self, clock) -> None:
        active = list(
            ServiceAccount.objects.filter(status=ServiceAccount.Status.ACTIVE)
            .select_related("premise", "customer")
            .order_by("number")
        )
        picked = self.rng.sample(active, min(len(active), 12 + len(activity.CASES)))
        cases_days = [self.today - datetime.timedelta(days=d) for d in (40, 33, 21, 9, 5, 2)]
        self.totals.cases = len(
            activity.open_cases(clock, picked[:6], days=cases_days, staff=self.staff)
        )
        self.totals.work_orders = len(
            activity.work_orders(clock, picked[6:], today=self.today, staff=self.staff)
        )

    def _newcomers(self) -> dict[datetime.date, list[ServiceAccount]]:
        """Tenants who moved in during the last year, by the day they started (a deposit)."""
        since = self.today - datetime.timedelta(days=365)
        by_day = defaultdict(list)
        for account in (
            ServiceAccount.objects.filter(
                status=ServiceAccount.Status.ACTIVE,
                is_owner=False,
                customer__kind="person",
                start_date__gte=since,
            )
            .select_related("premise", "customer")
            .order_by("number")
        ):
            by_day[account.start_date].append(account)
        return by_day

    # -- the replay

    def play(self) -> Totals:
        reads_end = MeterRead.objects.aggregate(last=Max("read_on"))["last"]
        periods = list(
            BillingPeriod.objects.filter(
                status=BillingPeriod.Status.PLANNED,
                period_end__lte=reads_end,
                bill_date__lte=self.today,
            ).order_by("bill_date", "cycle__code")
        )
        if not periods:
            return self.totals
        by_day = defaultdict(list)
        for period in periods:
            by_day[period.bill_date].append(period)
        newcomers = self._newcomers()
        collections = DemoCollections(today=self.today, staff=self.staff)
        last_workday = self.today
        while last_workday.weekday() >= 5:
            last_workday -= datetime.timedelta(days=1)
        with SimulatedClock() as clock:
            day = periods[0].bill_date
            last_month = None
            while day <= self.today:
                clock.set(day, hour=7)
                for account in newcomers.get(day, []):
                    if activity.deposit_for_new_service(account, by=self.staff["csr"], on_date=day):
                        self.totals.deposits_held += 1
                for period in by_day.get(day, []):
                    self._bill(period)
                if day.weekday() < 5:
                    self._pay(day, clock, week_ends=day.weekday() == 4 or day == last_workday)
                if (day.year, day.month) != last_month:
                    last_month = (day.year, day.month)
                    self.out(f"  history: {day:%m/%Y}")
                if day.weekday() == 0:
                    clock.set(day, hour=6)
                    late_penalties_assess(today=day, by=self.staff["supervisor"])
                if collections.replays(day):
                    collections.night(day, clock)
                day += datetime.timedelta(days=1)
            self._return_checks(clock)
            self._front_office(clock)
            self.totals.collections = [collections.report(), f"  {collections.prepare_list(clock)}"]
        return self.totals
