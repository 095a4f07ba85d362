"""The world every app's tests share: factory-boy factories for the master records, and the
ledger postings (a bill, a payment, a credit) that put money on a service account.

Per-app builders live next to their tests (tests/<app>/factories.py); fixtures in conftest.py.
"""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from accounts.models import Customer, ServiceAccount
from accounts.numbers import with_check_digit
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise

# The password of every user the tests make (make_user in tests/conftest.py).
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")


class PremiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premise

    house_number = factory.Sequence(lambda n: str(100 + n))
    street = "Main St"
    city = "Mesa Verde"
    zip_code = "92000"
    apn = factory.Sequence(lambda n: f"{100 + n // 1000:03d}-{n % 1000 // 10:03d}-{n % 10:02d}")
    tract = "TR-1001"
    lot = factory.Sequence(lambda n: str(n + 1))
    map_book = "12"
    map_page = "34"
    route = "R01"
    read_sequence = factory.Sequence(lambda n: (n + 1) * 10)
    premise_type = Premise.PremiseType.SINGLE_FAMILY
    owner_name = "Owner of Record"


class MeterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meter

    serial = factory.Sequence(lambda n: f"MV{n:07d}")
    make = "Badger"
    model = "M25"
    size = Meter.Size.FIVE_EIGHTHS


class MeterInstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterInstallation

    meter = factory.SubFactory(MeterFactory, status=Meter.Status.INSTALLED)
    premise = factory.SubFactory(PremiseFactory)
    installed_on = datetime.date(2020, 1, 1)


def metered_premise(**fields) -> Premise:
    """A premise with a meter installed (reading 0), never served."""
    premise = PremiseFactory(**fields)
    MeterInstallationFactory(premise=premise)
    return premise


class MeterReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterRead

    meter = factory.SubFactory(MeterFactory)
    read_on = datetime.date(2026, 1, 1)
    reading = 100
    source = MeterRead.Source.ROUTE


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = "Maria"
    last_name = factory.Sequence(lambda n: f"Lopez{n}")
    phone = factory.Sequence(lambda n: f"555{n % 10000000:07d}")
    email = factory.LazyAttribute(lambda customer: f"{customer.last_name.lower()}@example.org")


class ServiceAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAccount

    number = factory.Sequence(lambda n: with_check_digit(str(9000000 + n)))
    customer = factory.SubFactory(CustomerFactory)
    premise = factory.SubFactory(PremiseFactory)
    customer_class = ServiceAccount.CustomerClass.RESIDENTIAL
    status = ServiceAccount.Status.ACTIVE
    start_date = datetime.date(2024, 1, 1)
    billing_cycle = "M1"


# -- ledger postings ---------------------------------------------------------------------------

_keys = itertools.count(1)


def new_key(prefix: str = "test") -> str:
    """An idempotency key no other posting of the test run uses."""
    return f"{prefix}-{next(_keys)}"


def _post(kind, memo, debit, credit, account, amount, on, by, key) -> Journal:
    amount = Decimal(amount)
    account_id = getattr(account, "pk", account)
    lines = [
        Line(debit, amount, account_id if debit == Purpose.AR_CUSTOMERS else None),
        Line(credit, -amount, account_id if credit == Purpose.AR_CUSTOMERS else None),
    ]
    return journal_post(
        kind=kind,
        memo=memo,
        lines=lines,
        by=by,
        idempotency_key=key or new_key(kind),
        effective_date=on,
    )


def post_bill(account, amount, on=None, *, memo=None, by=None, key=None) -> Journal:
    """A bill's journal on the account (a service account or its id): debit its receivable,
    credit water sales; what a bill run posts, so payments have something to pay."""
    memo = memo or (f"Bill {on}" if on else "Water bill")
    return _post(
        Journal.Kind.BILL, memo, Purpose.AR_CUSTOMERS, Purpose.WATER_SALES_VOLUMETRIC,
        account, amount, on, by, key,
    )  # fmt: skip


def post_payment(account, amount, on=None, *, memo=None, by=None, key=None) -> Journal:
    """A payment's journal on the account: debit cash in bank, credit its receivable."""
    memo = memo or (f"Payment {on}" if on else "Payment")
    return _post(
        Journal.Kind.PAYMENT, memo, Purpose.CASH_IN_BANK, Purpose.AR_CUSTOMERS,
        account, amount, on, by, key,
    )  # fmt: skip


def post_credit(account, amount, on=None, *, memo="Goodwill credit", by=None, key=None) -> Journal:
    """An adjustment crediting the account: debit water sales, credit its receivable."""
    return _post(
        Journal.Kind.ADJUSTMENT, memo, Purpose.WATER_SALES_VOLUMETRIC, Purpose.AR_CUSTOMERS,
        account, amount, on, by, key,
    )  # fmt: skip
