"""The books: GL accounts, journals and journal lines. Lines are signed: debit > 0, credit < 0.

Journals and lines are never updated or deleted (triggers refuse it, raw SQL included); every
journal sums to zero (a deferred constraint trigger checks at commit). A correction is a
reversing journal, and a journal can be reversed once (a unique link).
"""

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone

from district.keys import Key, kept_while_named, keys_checked
from district.money import ZERO, MoneyField


class GLAccount(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset", "Asset"
        LIABILITY = "liability", "Liability"
        EQUITY = "equity", "Equity"
        REVENUE = "revenue", "Revenue"
        EXPENSE = "expense", "Expense"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What the code uses to find the account ("ar_customers", "cash_in_bank", ...).
    purpose = models.SlugField(max_length=50, unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "GL account"
        triggers = kept_while_named("gl_account_kept", ("ledger_journalline", "gl_account_id"))

    def __str__(self):
        return f"{self.code} {self.name}"


class Journal(models.Model):
    """One business event (a bill, a payment, a deposit, an adjustment...)."""

    class Kind(models.TextChoices):
        OPENING_BALANCE = "opening_balance", "Opening balance"
        BILL = "bill", "Bill"
        PAYMENT = "payment", "Payment"
        DEPOSIT = "deposit", "Deposit"
        ADJUSTMENT = "adjustment", "Adjustment"
        FEE = "fee", "Fee"
        REFUND = "refund", "Refund"
        TRANSFER = "transfer", "Balance transfer"
        WRITE_OFF = "write_off", "Write-off"
        OVER_SHORT = "over_short", "Cash over/short"
        BANK_DEPOSIT = "bank_deposit", "Bank deposit"
        REVERSAL = "reversal", "Reversal"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    memo = models.CharField(max_length=255)
    effective_date = models.DateField(help_text="Accounting date; aging counts from it.")
    posted_at = models.DateTimeField(default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        db_constraint=False,
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    # sha256 of the lines, so a repeated key with different lines is told apart from a retry.
    fingerprint = models.CharField(max_length=64)
    # Indexed by the (source_type, source_id) index below, which leads with it.
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source_id = models.CharField(max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        triggers = [
            pgtrigger.Protect(
                name="journal_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # Who posted it and what it posts for, once an INSERT statement (district.keys), not
            # by a foreign key's query a journal at commit: a bill run posts a journal a bill.
            # The users and content types named are kept by the triggers ledger's migration
            # 0007 puts on them. A journal is never updated, so its keys never change.
            keys_checked(
                "journal_keys",
                Key("posted_by_id", "district_user"),
                Key("source_type_id", "django_content_type"),
            ),
            # The month-end close (district.ledger.periods): no journal dated in a closed
            # month. Once per statement, over the rows actually inserted (a retry that
            # ON CONFLICT skips is not refused), with one indexed lookup per distinct month.
            pgtrigger.Trigger(
                name="journal_not_in_closed_period",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="inserted"),
                declare=[("closed_month", "date")],
                func="""
                    SELECT period.month INTO closed_month
                    FROM (SELECT DISTINCT date_trunc('month', effective_date)::date AS month
                          FROM inserted) months
                    JOIN ledger_closedperiod period
                      ON period.month = months.month AND period.reopened_at IS NULL
                    ORDER BY period.month LIMIT 1;
                    IF closed_month IS NOT NULL THEN
                        RAISE EXCEPTION 'the month of % is closed', closed_month
                            USING ERRCODE = 'check_violation',
                                  CONSTRAINT = 'ledger_period_closed',
                                  DETAIL = closed_month::text;
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self):
        return f"J{self.pk} {self.get_kind_display()} {self.effective_date:%m/%d/%Y}"


class JournalLine(models.Model):
    # Keys checked once a statement by the journal_lines_keys trigger (district.keys), not a
    # query a row: a bill run writes hundreds of thousands of lines.
    journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    gl_account = models.ForeignKey(
        GLAccount, on_delete=models.PROTECT, related_name="lines", db_constraint=False
    )
    amount = MoneyField(help_text="Debit positive, credit negative.")
    # The service account a line belongs to (accounts.ServiceAccount). A plain column here,
    # because the ledger sits below accounts; the accounts app adds the database FK constraint.
    service_account_id = models.BigIntegerField(null=True, blank=True)
    # Copied from the journal so aging and statements read one table.
    effective_date = models.DateField()
    memo = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # An account's lines by date. Only lines that name an account: most lines (a bill's
            # revenue credits) name none, and every query of it names one.
            models.Index(
                fields=["service_account_id", "effective_date", "id"],
                condition=models.Q(service_account_id__isnull=False),
                name="ledger_line_of_account_idx",
            ),
            # The GL export reads a range of dates. Lines arrive roughly in date order, so a
            # BRIN index (a few pages for millions of rows, next to nothing per insert) serves.
            BrinIndex(fields=["effective_date"], name="ledger_line_date_brin"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_line_not_zero"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="journal_line_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # A journal is never deleted (journal_append_only): no lock needed to keep it.
            keys_checked(
                "journal_lines_keys",
                Key("journal_id", "ledger_journal", locked=False),
                Key("gl_account_id", "ledger_glaccount"),
            ),
            # Every journal touched by a statement balances once the statement is done: one
            # check per statement over its journals (a set, not a sum per line at commit).
            # Every ledger writer (journal_post's bulk_create, journals_post_many's COPY)
            # writes all the lines of a journal in one statement, so a journal is whole after
            # each; a journal split over two statements is refused at the first.
            pgtrigger.Trigger(
                name="journal_lines_balance",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="inserted"),
                declare=[("unbalanced", "bigint")],
                func="""
                    SELECT touched.journal_id INTO unbalanced
                    FROM (SELECT DISTINCT journal_id FROM inserted) touched
                    WHERE (SELECT SUM(line.amount) FROM ledger_journalline line
                           WHERE line.journal_id = touched.journal_id) <> 0
                    ORDER BY touched.journal_id LIMIT 1;
                    IF unbalanced IS NOT NULL THEN
                        RAISE EXCEPTION 'journal % does not balance', unbalanced
                            USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self):
        return f"{self.gl_account.code} {self.amount}"


class AccountBalance(models.Model):
    """Cached sum of a service account's AR lines (kept by the posting service, checked by
    check_ledger). Read by search results and the account page instead of summing lines."""

    service_account_id = models.BigIntegerField(primary_key=True)
    balance = MoneyField(default=ZERO)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.service_account_id}: {self.balance}"


class ClosedPeriod(models.Model):
    """A closed accounting month: no journal may be dated inside it (the posting services check).

    `month` is the month's first day. Reopening deletes nothing of the books: it records who
    reopened and why on this row (`reopened_at` set), and closing again makes a new row; the
    unique constraint allows one row per month that is still closed.
    """

    month = models.DateField(help_text="First day of the closed month.")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=255)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-month", "-closed_at"]
        constraints = [
            # Also the index the posting check reads (one lookup per posting).
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(reopened_at__isnull=True),
                name="ledger_one_closed_row_per_month",
                violation_error_message="This month is already closed.",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="ledger_closed_period_first_day"
            ),
        ]

    def __str__(self):
        return f"{self.month:%B %Y} closed"

    @property
    def is_closed(self) -> bool:
        return self.reopened_at is None


class GLExportLog(models.Model):
    """Who downloaded the GL summary export, when, and for which dates (district financial
    data leaves the system with it)."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(default=timezone.now)
    start = models.DateField()
    end = models.DateField()
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-exported_at", "-id"]
        verbose_name = "GL export log entry"

    def __str__(self):
        return f"GL export {self.start}..{self.end} by {self.exported_by_id}"
