"""What a register is: columns, a rows selector over a filters form, totals and a chart."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms

from district import navigation
from district.masking import mask_email, mask_other, mask_phone
from district.money import format_money
from district.registries import Registry, callable_name
from district.roles import Perm

MONEY, NUMBER, DATE, TEXT = "money", "number", "date", "text"
KINDS = (MONEY, NUMBER, DATE, TEXT)
LINE, BAR = "line", "bar"

# The customer data a column holds (Gov. Code 6254.16), which decides who sees it unmasked
# (district/roles.py): a customer's name, account number and service address are for those
# who find accounts (VIEW_ACCOUNTS: Finance too); phone, e-mail and mailing address are for
# those who talk to customers (VIEW_CUSTOMER_CONTACTS: not Finance). A register with any such
# column logs each download in the export log with the reason asked for it.
ACCOUNT_DATA, PHONE, EMAIL, MAILING_ADDRESS = "account", "phone", "email", "mailing_address"
CUSTOMER_DATA = {
    ACCOUNT_DATA: (Perm.VIEW_ACCOUNTS, mask_other),
    PHONE: (Perm.VIEW_CUSTOMER_CONTACTS, mask_phone),
    EMAIL: (Perm.VIEW_CUSTOMER_CONTACTS, mask_email),
    MAILING_ADDRESS: (Perm.VIEW_CUSTOMER_CONTACTS, mask_other),
}


@dataclass(frozen=True)
class Column:
    label: str
    key: str
    kind: str = TEXT
    # Summed into the totals row (money and number columns only).
    total: bool = False
    # The customer data it holds (a CUSTOMER_DATA key), or "" for none.
    customer_data: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: kind must be one of {KINDS}.")
        if self.customer_data and self.customer_data not in CUSTOMER_DATA:
            raise ValueError(f"Column {self.key!r}: customer data must be one of {CUSTOMER_DATA}.")
        if self.customer_data and self.kind != TEXT:
            raise ValueError(f"Column {self.key!r}: customer data is text.")
        if self.total and self.kind not in (MONEY, NUMBER):
            raise ValueError(f"Column {self.key!r}: only money and number columns add up.")

    @property
    def is_numeric(self) -> bool:
        return self.kind in (MONEY, NUMBER)

    def hidden_from(self, user) -> bool:
        """The column holds customer data the user's role does not see."""
        return bool(self.customer_data) and not user.has_perm(CUSTOMER_DATA[self.customer_data][0])

    def display(self, value) -> str:
        """The value as the page and the PDF print it."""
        if value is None:
            return ""
        if self.kind == MONEY and isinstance(value, int | Decimal):
            return format_money(value)
        if self.kind == NUMBER and isinstance(value, int | Decimal):
            return f"{value:,}"
        if isinstance(value, datetime.date):
            return value.strftime("%m/%d/%Y")
        return str(value)


@dataclass(frozen=True)
class Chart:
    """A chart of the rows: one category per row (`category` column), one bar or line per
    `series` column. The table under it always holds the same numbers."""

    kind: str  # LINE or BAR
    category: str
    series: tuple[str, ...]
    title: str = ""


class NoFilters(forms.Form):
    """A register that shows everything it knows, as of now."""


@dataclass(frozen=True)
class Register:
    """One report. `rows(filters)` gets the filters form's cleaned_data and returns dicts keyed by
    column key; `columns` may depend on the filters (a "group by" choice names the first
    column). Totals are the sums of the columns marked `total`, added here in Decimal."""

    slug: str
    title: str
    columns: Sequence[Column] | Callable[[dict], Sequence[Column]]
    rows: Callable[[dict], list[dict]]
    form: type[forms.Form] = NoFilters
    permission: str = Perm.VIEW_REPORTS
    description: str = ""
    chart: Chart | None = None
    order: int = 100
    # The page shows at most this many rows (the totals are still of all of them); the
    # downloads hold every row. A per-account register of a whole district is a download.
    page_rows: int = 500
    # What the table's caption says, given the filters (default: the title).
    caption: Callable[[dict], str] | None = field(default=None, compare=False)

    def columns_for(self, filters: dict) -> list[Column]:
        columns = self.columns(filters) if callable(self.columns) else self.columns
        return list(columns)

    def caption_for(self, filters: dict) -> str:
        return self.caption(filters) if self.caption else self.title


@dataclass(frozen=True)
class Table:
    """A register filled in: what every format renders."""

    register: Register
    filters: dict
    columns: list[Column]
    rows: list[dict]
    totals: dict | None
    caption: str
    row_count: int = -1  # all the rows, when the table holds only the first of them

    def __post_init__(self):
        if self.row_count < 0:
            object.__setattr__(self, "row_count", len(self.rows))

    def for_page(self) -> "Table":
        """The same table with the rows a page shows (totals unchanged)."""
        limit = self.register.page_rows
        if len(self.rows) <= limit:
            return self
        return Table(self.register, self.filters, self.columns, self.rows[:limit], self.totals,
                     self.caption, row_count=self.row_count)  # fmt: skip

    @property
    def customer_columns(self) -> list[Column]:
        """The columns holding customer data (its downloads are logged)."""
        return [column for column in self.columns if column.customer_data]

    def masked_for(self, user) -> tuple["Table", list[str]]:
        """The table as `user` may see it, and the keys of the columns masked for them."""
        hidden = [column for column in self.columns if column.hidden_from(user)]
        if not hidden:
            return self, []
        rows = []
        for row in self.rows:
            row = dict(row)
            for column in hidden:
                if column.key in row:
                    row[column.key] = CUSTOMER_DATA[column.customer_data][1](row[column.key])
            rows.append(row)
        masked = Table(self.register, self.filters, self.columns, rows, self.totals,
                       self.caption, row_count=self.row_count)  # fmt: skip
        return masked, [column.key for column in hidden]

    @property
    def is_cut(self) -> bool:
        return self.row_count > len(self.rows)

    @property
    def shown(self) -> list[list[tuple[Column, str]]]:
        """The rows as printed: each cell with its column, formatted."""
        return [[(column, column.display(value)) for column, value in row] for row in self.cells]

    @property
    def shown_totals(self) -> list[tuple[Column, str]]:
        return [(column, column.display(value)) for column, value in self.total_cells]

    @property
    def cells(self) -> list[list[tuple[Column, object]]]:
        return [[(column, row.get(column.key)) for column in self.columns] for row in self.rows]

    @property
    def total_cells(self) -> list[tuple[Column, object]]:
        return [(column, (self.totals or {}).get(column.key)) for column in self.columns]


def fill(register: Register, filters: dict) -> Table:
    """Run the register's selector and add up its totals."""
    columns = register.columns_for(filters)
    rows = list(register.rows(filters))
    summed = [column for column in columns if column.total]
    totals = None
    if summed:
        totals = {column.key: sum((row.get(column.key) or 0 for row in rows), Decimal(0))
                  for column in summed}  # fmt: skip
        for column in summed:
            if column.kind == NUMBER and totals[column.key] == int(totals[column.key]):
                totals[column.key] = int(totals[column.key])
        totals[columns[0].key] = "Total"
    return Table(register, filters, columns, rows, totals, register.caption_for(filters))


REGISTERS = Registry(
    "registers",
    describe=lambda slug, register: (
        f"{slug}: {register.title} permission={register.permission} "
        f"rows={callable_name(register.rows)}"
    ),
    order=lambda slug, register: (register.order, register.title),
)


# Who logs a download of customer data (Gov. Code 6254.16): the export log lives above the
# district (accounts.correspondence), which registers its service here from its ready().
# Called as log(by=, what=, why=, row_count=, columns=, masked_columns=).
EXPORT_LOGGERS = Registry(
    "register export log",
    describe=lambda key, log: f"{key}: {callable_name(log)}",
)
EXPORT_LOG_KEY = "customer-data"


def register_export_log(log: Callable) -> None:
    EXPORT_LOGGERS.register(EXPORT_LOG_KEY, log)


def url_name(register: Register, suffix: str = "") -> str:
    return f"registers:{register.slug}{suffix}"


def register_all(registers: Sequence[Register]) -> None:
    """Add registers and their menu entries (under Supervision). Called from registrations.py."""
    for register in registers:
        REGISTERS.register(register.slug, register)
        navigation.register(
            navigation.NavItem(
                register.title,
                url_name(register),
                register.permission,
                order=200 + register.order,
                group="supervision",
            )
        )
