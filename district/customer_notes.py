"""The fixed notes our code writes in English on a customer's records, and how a customer reads
them in their own language.

Two kinds of note reach what a customer is sent:

- a bill line's proration note (billing.rates.lines BillLine.proration, kept in
  BillDetail.proration_note): pieces such as "prorated 45/30 days", "15 of 30 days at <rate
  version>", "10 of 61 days in effect" or "11 of 31 days enrolled", joined by "; ";
- the memo of a receivable ledger line, printed in the bill's payments and adjustments:
  "Payment, receipt 2027-00000123", "Returned payment fee", "Late penalty, bill 1234"...

The records keep the English (staff pages, registers and exports read them as written; the
bill run copies them as they are). Each format is written here once: the code that writes a
note calls its `NoteFormat.text()`, and the bill PDF and the customer's bill page call
`proration_in_language()` / `memo_in_language()`, which recognise exactly these formats and
return them through gettext in the active language. Anything else (a staff member's own memo,
a note from before a format existed, a truncated note) prints as stored.
"""

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

NUMBER = r"\d+(?:\.\d+)?"
WHOLE = r"\d+"
SEPARATOR = "; "  # between the pieces of one line's proration note


@dataclass(frozen=True)
class NoteFormat:
    """One English note: `english` with {field}s, the gettext text with %(field)s, what each
    field may hold (a regex, whole numbers unless told), and how a field's own value reads in
    the reader's language (a field without one prints as written: a number, a receipt)."""

    english: str
    words: Promise
    fields: dict[str, str] = field(default_factory=dict)
    field_words: dict[str, Callable[[str], str | None]] = field(default_factory=dict)

    def text(self, **values) -> str:
        """The English note, as the records keep it."""
        return self.english.format(**values)

    @cached_property
    def pattern(self) -> re.Pattern:
        parts = []
        for literal, name, _spec, _conversion in string.Formatter().parse(self.english):
            parts.append(re.escape(literal))
            if name is not None:
                parts.append(f"(?P<{name}>{self.fields.get(name, WHOLE)})")
        return re.compile("".join(parts))

    def in_language(self, note: str) -> str | None:
        """The note in the active language, or None when it is not this format."""
        found = self.pattern.fullmatch(note)
        if found is None:
            return None
        values = {}
        for name, value in found.groupdict().items():
            words = self.field_words.get(name)
            values[name] = value if words is None else words(value)
            if values[name] is None:
                return None
        return str(self.words) % values


# --- proration notes (a bill line) ------------------------------------------------------------

# (gettext's extraction needs each call's context and text written out, not passed in.)
PRORATED = NoteFormat(
    "prorated {total}/{basis} days",
    pgettext_lazy("how a bill line was prorated", "prorated %(total)s/%(basis)s days"),
    fields={"basis": NUMBER},
)
# The rate version's label is the district's own name for it: it prints as published.
SPLIT = NoteFormat(
    "{days} of {total} days at {version}",
    pgettext_lazy("how a bill line was prorated", "%(days)s of %(total)s days at %(version)s"),
    fields={"version": r".+"},
)
IN_EFFECT = NoteFormat(
    "{days} of {total} days in effect",
    pgettext_lazy("how a bill line was prorated", "%(days)s of %(total)s days in effect"),
)
ENROLLED = NoteFormat(
    "{days} of {total} days enrolled",
    pgettext_lazy("how a bill line was prorated", "%(days)s of %(total)s days enrolled"),
)
PRORATION_FORMATS = (PRORATED, IN_EFFECT, ENROLLED, SPLIT)  # SPLIT last: its label takes anything


def join_notes(notes) -> str:
    """One line's proration note from its pieces (empty pieces left out)."""
    return SEPARATOR.join(note for note in notes if note)


def proration_in_language(note: str) -> str:
    """A line's proration note in the active language when every piece is one of ours, else
    the note as stored."""
    if not note:
        return note
    pieces = []
    for piece in note.split(SEPARATOR):
        read = next(
            (found for found in (f.in_language(piece) for f in PRORATION_FORMATS) if found), None
        )
        if read is None:
            return note
        pieces.append(read)
    return SEPARATOR.join(pieces)


# --- receivable memos (the bill's payments and adjustments) ---------------------------------

RECEIPT = r"[0-9A-Za-z-]+"

# PaymentBatch.Kind's labels (payments.models.receipts), as a batch payment's memo names them.
# Every word's English is the text it stands for, so an English bill prints the memo as written.
BATCH_KIND_WORDS = {
    "Mail": pgettext_lazy("a payment or adjustment on a bill", "Mail"),
    "Bank lockbox file": pgettext_lazy("a payment or adjustment on a bill", "Bank lockbox file"),
    "Payment processor file": pgettext_lazy(
        "a payment or adjustment on a bill", "Payment processor file"
    ),
}
# How payments.returns.services.tender_label names a returned tender (a check with its number).
TENDER_WORDS = {
    "check": pgettext_lazy("a payment or adjustment on a bill", "check"),
    "electronic (ACH) payment": pgettext_lazy(
        "a payment or adjustment on a bill", "electronic (ACH) payment"
    ),
    "cash": pgettext_lazy("a payment or adjustment on a bill", "cash"),
    "money order": pgettext_lazy("a payment or adjustment on a bill", "money order"),
    "card (terminal)": pgettext_lazy("a payment or adjustment on a bill", "card (terminal)"),
}


def _closed(words: dict[str, Promise]) -> Callable[[str], str | None]:
    return lambda value: str(words[value]) if value in words else None


def _tender(value: str) -> str | None:
    if value.startswith("check "):
        return pgettext("a payment or adjustment on a bill", "check %(number)s") % {
            "number": value.removeprefix("check ")
        }
    return _closed(TENDER_WORDS)(value)


COUNTER_PAYMENT = NoteFormat(
    "Payment, receipt {receipt}",
    pgettext_lazy("a payment or adjustment on a bill", "Payment, receipt %(receipt)s"),
    fields={"receipt": RECEIPT},
)
DEPOSIT_PAID = NoteFormat(
    "Deposit paid, receipt {receipt}",
    pgettext_lazy("a payment or adjustment on a bill", "Deposit paid, receipt %(receipt)s"),
    fields={"receipt": RECEIPT},
)
BATCH_PAYMENT = NoteFormat(
    "Payment, {kind} batch {batch}",
    pgettext_lazy("a payment or adjustment on a bill", "Payment, %(kind)s batch %(batch)s"),
    fields={"kind": "|".join(re.escape(kind) for kind in BATCH_KIND_WORDS)},
    field_words={"kind": _closed(BATCH_KIND_WORDS)},
)
RETURNED_PAYMENT = NoteFormat(
    "Returned {what}, receipt {receipt}",
    pgettext_lazy("a payment or adjustment on a bill", "Returned %(what)s, receipt %(receipt)s"),
    fields={"what": r".+?", "receipt": RECEIPT},
    field_words={"what": _tender},
)
RETURNED_PAYMENT_FEE = NoteFormat(
    "Returned payment fee",
    pgettext_lazy("a payment or adjustment on a bill", "Returned payment fee"),
)
RECONNECT_FEE = NoteFormat(
    "Reconnect fee", pgettext_lazy("a payment or adjustment on a bill", "Reconnect fee")
)
LATE_PENALTY = NoteFormat(
    "Late penalty, bill {bill}",
    pgettext_lazy("a payment or adjustment on a bill", "Late penalty, bill %(bill)s"),
    fields={"bill": RECEIPT},
)
CREDIT_REFUNDED = NoteFormat(
    "Credit balance refunded",
    pgettext_lazy("a payment or adjustment on a bill", "Credit balance refunded"),
)
CORRECTED_BILL = NoteFormat(
    "Corrected bill", pgettext_lazy("a payment or adjustment on a bill", "Corrected bill")
)
MEMO_FORMATS = (
    COUNTER_PAYMENT,
    DEPOSIT_PAID,
    BATCH_PAYMENT,
    RETURNED_PAYMENT,
    RETURNED_PAYMENT_FEE,
    RECONNECT_FEE,
    LATE_PENALTY,
    CREDIT_REFUNDED,
    CORRECTED_BILL,
)


def memo_in_language(memo: str) -> str:
    """A receivable line's memo in the active language when it is one of ours, else as stored."""
    if not memo:
        return memo
    return next((found for found in (f.in_language(memo) for f in MEMO_FORMATS) if found), memo)
