"""The conversion format: one declaration per file (its columns, their types and codes).

docs/conversion.md describes the same format for people; a test checks the two agree.
Types: text, int, decimal (a reading or multiplier), money (at most two decimals, thousands
commas allowed inside quotes), date (YYYY-MM-DD or MM/DD/YYYY), bool (Y/N), code (one of ours,
or the old system's code translated by mapping.csv for that code list).
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Contact, Customer, CustomerFlag, Language, ServiceAccount
from field_ops.models import Meter, MeterRead, Premise

TEXT, INT, DECIMAL, MONEY, DATE, BOOL, CODE = (
    "text",
    "int",
    "decimal",
    "money",
    "date",
    "bool",
    "code",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    codes: str = ""  # the code list of a CODE column (a key of CODE_LISTS)
    max_length: int = 0  # text only; 0 = no limit beyond the type
    default: object = None


@dataclass(frozen=True)
class FileFormat:
    name: str  # the file name in the conversion directory
    key: tuple[str, ...]  # the columns that identify a row (duplicates refused); () = none
    columns: tuple[Column, ...]
    required: bool = True  # the file must be present (it may hold no rows)
    about: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _values(choices) -> frozenset[str]:
    return frozenset(value for value, _label in choices)


# Our codes per code list. mapping.csv translates the old system's codes into these.
CODE_LISTS: dict[str, frozenset[str]] = {
    "customer_kind": _values(Customer.Kind.choices),
    "language": _values(Language.choices),
    "premise_type": _values(Premise.PremiseType.choices),
    "meter_size": _values(Meter.Size.choices),
    "meter_unit": _values(Meter.Unit.choices),
    "customer_class": _values(ServiceAccount.CustomerClass.choices),
    "account_status": frozenset({"active", "final", "closed"}),
    "billing_frequency": _values(ServiceAccount.BillingFrequency.choices),
    "occupant": frozenset({"owner", "tenant"}),
    "read_source": _values(MeterRead.Source.choices),
    "flag": _values(CustomerFlag.Flag.choices),
    "contact_channel": _values(Contact.Channel.choices),
}

CUSTOMERS = FileFormat(
    "customers.csv",
    key=("customer_id",),
    about="One row per customer (person or business).",
    columns=(
        Column("customer_id", required=True, max_length=40),
        Column("kind", CODE, required=True, codes="customer_kind"),
        Column("first_name", max_length=60),
        Column("last_name", max_length=60),
        Column("business_name", max_length=120),
        Column("phone", max_length=20),
        Column("alternate_phone", max_length=20),
        Column("email", max_length=254),
        Column("mailing_line1", max_length=120),
        Column("mailing_line2", max_length=120),
        Column("mailing_city", max_length=60),
        Column("mailing_state", max_length=2),
        Column("mailing_zip", max_length=10),
        Column("language", CODE, codes="language", default="en"),
    ),
)
PREMISES = FileFormat(
    "premises.csv",
    key=("premise_id",),
    about="One row per service location.",
    columns=(
        Column("premise_id", required=True, max_length=40),
        Column("house_number", required=True, max_length=12),
        Column("street", required=True, max_length=80),
        Column("unit", max_length=20),
        Column("city", required=True, max_length=60),
        Column("state", max_length=2, default="CA"),
        Column("zip_code", required=True, max_length=10),
        Column("cross_street", max_length=80),
        Column("apn", max_length=20),
        Column("tract", max_length=20),
        Column("lot", max_length=20),
        Column("map_book", max_length=10),
        Column("map_page", max_length=10),
        Column("route", required=True, max_length=10),
        Column("read_sequence", INT, required=True),
        Column("premise_type", CODE, required=True, codes="premise_type"),
        Column("dwelling_units", INT, default=1),
        Column("owner_name", max_length=120),
    ),
)
METERS = FileFormat(
    "meters.csv",
    key=("serial",),
    about="One row per meter, installed or not.",
    columns=(
        Column("serial", required=True, max_length=30),
        Column("size", CODE, required=True, codes="meter_size"),
        Column("make", max_length=50),
        Column("model", max_length=50),
        Column("unit", CODE, codes="meter_unit", default="hcf"),
        Column("multiplier", DECIMAL, default=Decimal("1")),
        Column("dials", INT, default=6),
    ),
)
INSTALLATIONS = FileFormat(
    "installations.csv",
    key=(),
    about="Which meter sat at which premise, from when to when (no removal date: there now).",
    columns=(
        Column("serial", required=True, max_length=30),
        Column("premise_id", required=True, max_length=40),
        Column("installed_on", DATE, required=True),
        Column("install_reading", DECIMAL, default=Decimal("0")),
        Column("removed_on", DATE),
        Column("removal_reading", DECIMAL),
    ),
)
ACCOUNTS = FileFormat(
    "accounts.csv",
    key=("account_number",),
    about="One row per service account (a customer's service at a premise).",
    columns=(
        Column("account_number", required=True, max_length=30),
        Column("customer_id", required=True, max_length=40),
        Column("premise_id", required=True, max_length=40),
        Column("customer_class", CODE, required=True, codes="customer_class"),
        Column("billing_cycle", required=True, max_length=10),
        Column("billing_frequency", CODE, codes="billing_frequency", default="monthly"),
        Column("status", CODE, required=True, codes="account_status"),
        Column("start_date", DATE, required=True),
        Column("end_date", DATE),
        Column("occupant", CODE, required=True, codes="occupant"),
        Column("tenants_occupy", BOOL, default=False),
        Column("paperless", BOOL, default=False),
    ),
)
READS = FileFormat(
    "reads.csv",
    key=("serial", "read_on"),
    required=False,
    about="Read history: one row per meter reading.",
    columns=(
        Column("serial", required=True, max_length=30),
        Column("read_on", DATE, required=True),
        Column("reading", DECIMAL, required=True),
        Column("source", CODE, codes="read_source", default="route"),
    ),
)
BALANCES = FileFormat(
    "balances.csv",
    key=("account_number",),
    about="Open balance per account by age; the buckets sum to the total. A credit balance "
    "sits in current with the older buckets zero.",
    columns=(
        Column("account_number", required=True, max_length=30),
        Column("current", MONEY, default=Decimal("0.00")),
        Column("days_30", MONEY, default=Decimal("0.00")),
        Column("days_60", MONEY, default=Decimal("0.00")),
        Column("days_90", MONEY, default=Decimal("0.00")),
        Column("days_120_plus", MONEY, default=Decimal("0.00")),
        Column("total", MONEY, required=True),
    ),
)
DEPOSITS = FileFormat(
    "deposits.csv",
    key=("account_number",),
    required=False,
    about="Deposits held (paid and not yet refunded or applied).",
    columns=(
        Column("account_number", required=True, max_length=30),
        Column("amount", MONEY, required=True),
        Column("paid_on", DATE, required=True),
    ),
)
ARRANGEMENTS = FileFormat(
    "arrangements.csv",
    key=("account_number", "installment"),
    required=False,
    about="Active payment arrangements: one row per installment still due.",
    columns=(
        Column("account_number", required=True, max_length=30),
        Column("arranged_on", DATE, required=True),
        Column("installment", INT, required=True),
        Column("due_on", DATE, required=True),
        Column("amount", MONEY, required=True),
    ),
)
FLAGS = FileFormat(
    "flags.csv",
    key=("customer_id", "flag"),
    required=False,
    about="Cautions on customers: cash only, medical needs, life support, ...",
    columns=(
        Column("customer_id", required=True, max_length=40),
        Column("flag", CODE, required=True, codes="flag"),
        Column("reason", max_length=255),
    ),
)
NOTES = FileFormat(
    "notes.csv",
    key=(),
    required=False,
    about="Contact notes, oldest first.",
    columns=(
        Column("customer_id", required=True, max_length=40),
        Column("account_number", max_length=30),
        Column("noted_on", DATE, required=True),
        Column("channel", CODE, codes="contact_channel", default="phone"),
        Column("note", required=True),
    ),
)
MAPPING = FileFormat(
    "mapping.csv",
    key=("code_list", "old_code"),
    required=False,
    about="The old system's codes translated into ours, per code list.",
    columns=(
        Column("code_list", required=True, max_length=40),
        Column("old_code", required=True, max_length=40),
        Column("new_code", required=True, max_length=40),
    ),
)
CONTROL = FileFormat(
    "control.csv",
    key=("name",),
    about="The old system's own totals at extraction, which the files must match.",
    columns=(
        Column("name", required=True, max_length=40),
        Column("value", required=True, max_length=60),
    ),
)

# In load order (what a row refers to comes before it). mapping.csv is read first of all.
FILES: tuple[FileFormat, ...] = (
    CUSTOMERS,
    PREMISES,
    METERS,
    INSTALLATIONS,
    ACCOUNTS,
    READS,
    BALANCES,
    DEPOSITS,
    ARRANGEMENTS,
    FLAGS,
    NOTES,
)
ALL_FILES: tuple[FileFormat, ...] = (MAPPING, CONTROL, *FILES)

BUCKETS = ("current", "days_30", "days_60", "days_90", "days_120_plus")
# Age in days a bucket's amount is dated back from the conversion date, so the ledger's aging
# (district.ledger.selectors: 0-29, 30-59, 60-89, 90-119, 120+) puts it in the same bucket.
BUCKET_AGE_DAYS = {"current": 0, "days_30": 30, "days_60": 60, "days_90": 90, "days_120_plus": 120}

# control.csv names: counts of rows, and money totals.
CONTROL_COUNTS = {
    "customers": CUSTOMERS,
    "premises": PREMISES,
    "meters": METERS,
    "accounts": ACCOUNTS,
    "reads": READS,
}
CONTROL_MONEY = (
    *(f"balance_{bucket}" for bucket in BUCKETS),
    "balance_total",
    "deposits_total",
)
CONTROL_OTHER = ("as_of", "source_system")
