"""Forms of the counter: open a drawer, take a payment, request a void, close blind.

The forms parse and display; the rules (what a check or a card must carry, how tenders meet the
total) are the services' (payments/counter/services), whose refusals the views show here.

Money is typed as people type it ("12.5", "$1,200"). Counts of bills and coins are whole numbers
per denomination. A card is taken on the external terminal: the form has no card number field,
and any field holding something that looks like a card number is refused and not shown back.
"""

import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from accounts.numbers import is_valid_luhn
from district.errors import ServiceError
from district.money import ZERO, parse_money
from payments.counter.denominations import DENOMINATIONS
from payments.counter.services import CloseCount, PaymentIn, TenderIn
from payments.models import Drawer, Tender

ACCOUNT_ROWS = 5
TENDER_ROWS = 4
# The fields of one tender row (each name ends in _<row>).
_TENDER_FIELDS = (
    "tender_kind",
    "tender_amount",
    "check_number",
    "bank_name",
    "card_last4",
    "approval_code",
)
COUNTER_TENDERS = [
    (Tender.Kind.CASH, "Cash"),
    (Tender.Kind.CHECK, "Check"),
    (Tender.Kind.MONEY_ORDER, "Money order"),
    (Tender.Kind.CARD, "Card (on the terminal)"),
]
# The text of a tender row as typed, passed to the service (which applies each kind's rules).
_TENDER_TEXT = ("check_number", "bank_name", "card_last4", "approval_code")
_TENDER_ROW_FIELDS = {"tender_kind", "tender_amount", *_TENDER_TEXT}
# 13 to 19 digits, spaces or dashes between them: the shape of a card number.
_CARD_LIKE = re.compile(r"(?:\d[ -]?){12,18}\d")
CARD_NUMBER_MESSAGE = (
    "This looks like a card number. Never type card numbers: take the card on the terminal "
    "and enter only its last four digits and the approval code."
)


def new_key() -> str:
    return uuid.uuid4().hex


def looks_like_card_number(text: str) -> bool:
    for match in _CARD_LIKE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and is_valid_luhn(digits):
            return True
    return False


class MoneyText(forms.CharField):
    """An amount as typed; cleans to a Decimal (or None when left empty)."""

    def __init__(self, *args, positive=True, **kwargs):
        self.positive = positive
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        amount = parse_money(text)
        if self.positive and amount <= 0:
            raise ValidationError("Enter an amount above $0.00.")
        if amount < 0:
            raise ValidationError("An amount cannot be negative.")
        return amount


class SafeTextInput(forms.TextInput):
    """Shows a typed value back only when it is not card-number-like (nothing to leak)."""

    def format_value(self, value):
        if value and looks_like_card_number(str(value)):
            return None
        return super().format_value(value)


class Last4Input(forms.TextInput):
    """Shows back only four digits: anything longer may be a card number."""

    def format_value(self, value):
        if value and not (len(str(value)) == 4 and str(value).isdigit()):
            return None
        return super().format_value(value)


def _styled(form: forms.Form) -> None:
    for bound in form.fields.values():
        widget = bound.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


# -- counts by denomination --------------------------------------------------------------------


def count_field_name(key: str) -> str:
    """count_20, count_coin-0_25: the denomination key with the dot made safe for HTML ids."""
    return "count_" + key.replace(".", "_")


class CountMixin:
    """Adds a count field per bill and coin."""

    def add_count_fields(self, initial: dict | None = None) -> None:
        for denomination in DENOMINATIONS:
            self.fields[count_field_name(denomination.key)] = forms.IntegerField(
                label=denomination.label,
                required=False,
                min_value=0,
                max_value=100_000,
                initial=(initial or {}).get(denomination.key),
                widget=forms.NumberInput(
                    attrs={
                        "class": "form-control text-end count-input",
                        "inputmode": "numeric",
                        "min": "0",
                        "data-denomination": str(denomination.value),
                    }
                ),
            )

    @property
    def count_fields(self):
        return [
            (denomination, self[count_field_name(denomination.key)])
            for denomination in DENOMINATIONS
        ]

    def cleaned_count(self) -> dict:
        count = {}
        for denomination in DENOMINATIONS:
            pieces = self.cleaned_data.get(count_field_name(denomination.key))
            if pieces:
                count[denomination.key] = pieces
        return count


class DrawerOpenForm(CountMixin, forms.Form):
    drawer = forms.ModelChoiceField(
        queryset=Drawer.objects.filter(is_active=True),
        empty_label="Choose a drawer",
        help_text="Only drawers in service are listed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_count_fields()
        _styled(self)


class DrawerCloseForm(CountMixin, forms.Form):
    checks_total = MoneyText(label="Checks: total", required=False, positive=False)
    check_items = forms.IntegerField(
        label="Checks: how many", required=False, min_value=0, max_value=10_000
    )
    money_orders_total = MoneyText(label="Money orders: total", required=False, positive=False)
    cards_total = MoneyText(
        label="Card terminal batch total",
        required=False,
        positive=False,
        help_text="The total on the terminal's batch report.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_count_fields()
        _styled(self)

    def close_count(self) -> CloseCount:
        data = self.cleaned_data
        return CloseCount(
            cash=self.cleaned_count(),
            checks_total=data.get("checks_total") or ZERO,
            check_items=data.get("check_items") or 0,
            money_orders_total=data.get("money_orders_total") or ZERO,
            cards_total=data.get("cards_total") or ZERO,
        )


# -- the void ----------------------------------------------------------------------------------


class VoidRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why void this receipt?",
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A supervisor reads this before approving the void.",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"idempotency_key": new_key()})
        super().__init__(*args, **kwargs)
        _styled(self)


# -- the payment -------------------------------------------------------------------------------


class PaymentForm(forms.Form):
    """A counter payment: up to ACCOUNT_ROWS accounts and TENDER_ROWS tenders.

    The accounts come from the lookup (hidden ids); each row's amount defaults to what the
    account owes. An account may also carry a deposit line (the deposit collected at the start
    of service), paid on the account as its own line. Cash is entered as the amount handed
    over; the server works out the change. The first tender is cash unless changed; the other
    tender rows stay hidden until the cashier adds one (`extra_tenders`).
    """

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=120)
    payer_name = forms.CharField(
        label="Payer's name",
        required=False,
        max_length=120,
        help_text="Who paid, if not the account holder (printed on the receipt).",
        widget=SafeTextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, extra_tenders: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_tenders = extra_tenders
        for row in range(ACCOUNT_ROWS):
            self.fields[f"account_{row}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"deposit_{row}"] = MoneyText(
                label="Deposit",
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-control text-end allocation"}
                ),
            )
            self.fields[f"amount_{row}"] = MoneyText(
                label="Amount",
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-control text-end allocation"}
                ),
            )
        for row in range(TENDER_ROWS):
            self.fields[f"tender_kind_{row}"] = forms.ChoiceField(
                label="Tender",
                required=False,
                choices=[("", "(none)"), *COUNTER_TENDERS],
                widget=forms.Select(attrs={"class": "form-select tender-kind"}),
            )
            self.fields[f"tender_amount_{row}"] = MoneyText(
                label="Amount",
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "form-control text-end tender-amount"}
                ),
            )
            self.fields[f"check_number_{row}"] = forms.CharField(
                label="Check or money order number",
                required=False,
                max_length=20,
                widget=SafeTextInput(attrs={"autocomplete": "off"}),
            )
            self.fields[f"bank_name_{row}"] = forms.CharField(
                label="Bank", required=False, max_length=60, widget=SafeTextInput()
            )
            self.fields[f"card_last4_{row}"] = forms.CharField(
                label="Card: last 4 digits",
                required=False,
                # Longer input is refused in clean(), never cut to four digits and stored.
                max_length=40,
                widget=Last4Input(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )
            self.fields[f"card_last4_{row}"].widget.attrs["maxlength"] = "4"
            self.fields[f"approval_code_{row}"] = forms.CharField(
                label="Approval code",
                required=False,
                max_length=20,
                widget=SafeTextInput(attrs={"autocomplete": "off"}),
            )
        _styled(self)
        self.allocations: list[tuple[int, Decimal]] = []
        self.deposits: dict[int, Decimal] = {}
        self.tenders: list[TenderIn] = []
        # The form row of each account and tender passed on (empty rows are skipped).
        self._allocation_rows: list[int] = []
        self._tender_rows: list[int] = []

    def _tender_row_used(self, row: int) -> bool:
        """A tender row the cashier filled in (or that has an error): it stays on screen."""
        if row == 0:
            return True
        names = [f"{name}_{row}" for name in _TENDER_FIELDS]
        if self.is_bound and any(name in self.errors for name in names):
            return True
        source = self.data if self.is_bound else self.initial
        return any(str(source.get(name) or "").strip() for name in names)

    @property
    def tender_rows(self) -> list[dict]:
        used = [self._tender_row_used(row) for row in range(TENDER_ROWS)]
        # Rows up to the last one used show, plus any the cashier asked to add.
        last_used = max(row for row in range(TENDER_ROWS) if used[row])
        shown = min(TENDER_ROWS, last_used + 1 + self.extra_tenders)
        return [
            {
                "number": row + 1,
                "shown": row < shown,
                "kind": self[f"tender_kind_{row}"],
                "amount": self[f"tender_amount_{row}"],
                "check_number": self[f"check_number_{row}"],
                "bank_name": self[f"bank_name_{row}"],
                "card_last4": self[f"card_last4_{row}"],
                "approval_code": self[f"approval_code_{row}"],
            }
            for row in range(TENDER_ROWS)
        ]

    @property
    def room_for_tender(self) -> bool:
        """Whether "Add tender" has a hidden row left to show."""
        return not all(row["shown"] for row in self.tender_rows)

    def clean(self):
        """Parse the rows into accounts and tenders; the rules are the service's to apply."""
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if name == "idempotency_key" or name.startswith("card_last4_"):
                continue
            if isinstance(value, str) and looks_like_card_number(value):
                self.add_error(name, CARD_NUMBER_MESSAGE)
        self._parse_allocations(cleaned)
        self._parse_tenders(cleaned)
        return cleaned

    def _parse_allocations(self, cleaned) -> None:
        for row in range(ACCOUNT_ROWS):
            account_id = cleaned.get(f"account_{row}")
            if account_id is None:
                continue
            amount = cleaned.get(f"amount_{row}")
            deposit = cleaned.get(f"deposit_{row}")
            if f"amount_{row}" in self.errors or f"deposit_{row}" in self.errors:
                continue
            if amount is None and deposit is None:
                self.add_error(f"amount_{row}", "Enter the amount paid on this account.")
                continue
            # One payment line per account: the deposit is its own line in the books.
            self.allocations.append((account_id, (amount or ZERO) + (deposit or ZERO)))
            self._allocation_rows.append(row)
            if deposit:
                self.deposits[account_id] = deposit

    def _parse_tenders(self, cleaned) -> None:
        for row in range(TENDER_ROWS):
            kind = cleaned.get(f"tender_kind_{row}")
            amount = cleaned.get(f"tender_amount_{row}")
            if not kind:
                if amount is not None:
                    self.add_error(f"tender_kind_{row}", "Choose how this amount was paid.")
                continue
            if f"tender_amount_{row}" in self.errors:
                continue
            if amount is None:
                self.add_error(f"tender_amount_{row}", "Enter the amount of this tender.")
                continue
            self.tenders.append(
                TenderIn(
                    kind=kind,
                    amount=amount,
                    **{name: (cleaned.get(f"{name}_{row}") or "").strip() for name in _TENDER_TEXT},
                )
            )
            self._tender_rows.append(row)

    def payment_in(self) -> PaymentIn:
        """The payment as parsed, for the service to check and post."""
        return PaymentIn(
            allocations=self.allocations,
            tenders=self.tenders,
            payer_name=self.cleaned_data["payer_name"],
            deposits=self.deposits,
        )

    def on_rows(self, error: ServiceError) -> ServiceError:
        """The service's refusal with its fields renamed from positions on the payment
        (amount_0 is the first account paid) to the rows of this form they came from."""
        if not hasattr(error, "error_dict"):
            return error
        renamed = {}
        for name, messages in error.error_dict.items():
            field, _, position = name.rpartition("_")
            rows = self._tender_rows if field in _TENDER_ROW_FIELDS else self._allocation_rows
            if field and position.isdigit() and int(position) < len(rows):
                name = f"{field}_{rows[int(position)]}"
            renamed[name] = messages
        return ServiceError(renamed)
