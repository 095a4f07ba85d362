"""Reference data every district starts with: the chart of accounts and the first policies.

Loaded by the data migrations and again after every `migrate`/`flush` (post_migrate, as Django
does for permissions), so a test database emptied by a transactional test gets it back.
Existing rows are never overwritten: supervisors edit them afterwards.
"""

from django.apps import apps

from district.ledger.purposes import Purpose

# (code, purpose, kind): a GL account's name is its purpose's label; code finds accounts by purpose.
CHART = [
    ("1010", Purpose.CASH_IN_BANK, "asset"),
    ("1015", Purpose.DEPOSITS_IN_TRANSIT, "asset"),
    ("1020", Purpose.UNDEPOSITED_FUNDS, "asset"),
    ("1030", Purpose.SETTLEMENTS_DUE, "asset"),
    ("1200", Purpose.AR_CUSTOMERS, "asset"),
    ("2100", Purpose.CUSTOMER_DEPOSITS, "liability"),
    ("2200", Purpose.REFUNDS_PAYABLE, "liability"),
    ("2300", Purpose.UNAPPLIED_PAYMENTS, "liability"),
    ("3900", Purpose.OPENING_BALANCES, "equity"),
    ("4010", Purpose.WATER_SALES_FIXED, "revenue"),
    ("4020", Purpose.WATER_SALES_VOLUMETRIC, "revenue"),
    ("4100", Purpose.SURCHARGES, "revenue"),
    ("4200", Purpose.SEWER, "revenue"),
    ("4300", Purpose.FEES_LATE, "revenue"),
    ("4310", Purpose.FEES_NSF, "revenue"),
    ("4320", Purpose.FEES_RECONNECT, "revenue"),
    ("4330", Purpose.FEES_TURN_ON, "revenue"),
    ("4400", Purpose.HYDRANT_WATER, "revenue"),
    ("4500", Purpose.DAMAGE_RECOVERY, "revenue"),
    ("6100", Purpose.CASH_OVER_SHORT, "expense"),
    ("6200", Purpose.WRITE_OFFS, "expense"),
    ("6300", Purpose.DEPOSIT_INTEREST, "expense"),
]


# (key, label, category, value_type, value, description)
POLICIES = [
    (
        "adjustment-limit-csr1",
        "Adjustment limit, CSR I",
        "limits",
        "money",
        "0.00",
        "A CSR I's adjustments above this go to a supervisor for approval.",
    ),
    (
        "adjustment-limit-csr2",
        "Adjustment limit, CSR II",
        "limits",
        "money",
        "250.00",
        "A CSR II may adjust a bill up to this amount without approval.",
    ),
    (
        "adjustment-limit-csr3",
        "Adjustment limit, CSR III",
        "limits",
        "money",
        "1000.00",
        "A CSR III may adjust a bill up to this amount without approval.",
    ),
    (
        "field-self-assign",
        "Field: technicians take unassigned orders",
        "field",
        "boolean",
        "false",
        "A technician with nothing assigned may take the day's unassigned orders from their "
        "phone; otherwise dispatch hands out every order.",
    ),
    (
        "deposit-interest-rate-percent",
        "Deposit interest: rate a year",
        "deposits",
        "percent",
        "0",
        "Simple interest a year paid on deposits held, over the days held; 0 pays none.",
    ),
    (
        "deposit-interest-yearly",
        "Deposit interest: credit each year",
        "deposits",
        "boolean",
        "false",
        "Also credit the interest to the account each year on the day the deposit was "
        "charged, not only when the deposit is applied or returned.",
    ),
    (
        "refund-approval-threshold",
        "Refunds needing approval above",
        "limits",
        "money",
        "0.00",
        "Refunds above this amount need a supervisor's approval.",
    ),
    (
        "write-off-limit",
        "Write-off without approval up to",
        "limits",
        "money",
        "0.00",
        "Write-offs above this amount need a supervisor's approval.",
    ),
    (
        "drawer-over-short-tolerance",
        "Drawer over/short tolerance",
        "cashiering",
        "money",
        "5.00",
        "A drawer off by more than this at close needs a supervisor's review.",
    ),
    (
        "nsf-returns-cash-only",
        "Returned payments before cash only",
        "cashiering",
        "integer",
        "2",
        "After this many returned payments in 12 months the customer is flagged cash only.",
    ),
    (
        "drawer-standard-float",
        "Standard drawer float",
        "cashiering",
        "money",
        "200.00",
        "The change fund a drawer opens with; a different count is allowed but noted.",
    ),
    (
        "bank-match-window-days",
        "Bank matching window",
        "cashiering",
        "days",
        "5",
        "How many days after a deposit or batch the bank's credit may be dated and still match.",
    ),
    (
        "bank-receipts-accounts",
        "Bank accounts that receive deposits",
        "cashiering",
        "text",
        "",
        "The district's bank account numbers that receive its deposits and processor "
        "settlements, separated by commas. A bank file's lines of other accounts (payroll, "
        "investments) are kept but not reconciled. Blank: every account in the file.",
    ),
    (
        "nsf-fee",
        "Returned payment (NSF) fee",
        "fees",
        "money",
        "25.00",
        "Charged when a payment is returned by the bank.",
    ),
    (
        "turn-on-fee",
        "Turn-on fee",
        "fees",
        "money",
        "35.00",
        "Charged to start service with the meter off.",
    ),
    (
        "reconnect-fee",
        "Reconnect fee",
        "fees",
        "money",
        "50.00",
        "Charged to restore service shut off for non-payment.",
    ),
    (
        "start-date-past-limit-days",
        "Start date may be back-dated by at most",
        "service",
        "days",
        "5",
        "How many days before today a requested start date may be.",
    ),
    (
        "start-date-horizon-days",
        "Start date may be at most this far ahead",
        "service",
        "days",
        "60",
        "How many days after today a requested start date may be.",
    ),
    (
        "case-target-days-billing_dispute",
        "Billing dispute: days to resolve",
        "cases",
        "days",
        "10",
        "",
    ),
    ("case-target-days-high_bill", "High bill: days to resolve", "cases", "days", "10", ""),
    ("case-target-days-leak", "Leak: days to resolve", "cases", "days", "2", ""),
    (
        "case-target-days-service_quality",
        "Service quality: days to resolve",
        "cases",
        "days",
        "5",
        "",
    ),
    (
        "case-target-days-staff_complaint",
        "Staff complaint: days to resolve",
        "cases",
        "days",
        "5",
        "",
    ),
    ("case-target-days-other", "Other cases: days to resolve", "cases", "days", "10", ""),
    (
        "late-grace-days",
        "Late penalty grace days",
        "billing",
        "days",
        "5",
        "A late penalty is assessed this many days after the due date, unless the rate schedule "
        "sets its own grace days.",
    ),
    (
        "late-penalty-minimum-balance",
        "Smallest past-due balance charged a late penalty",
        "billing",
        "money",
        "5.00",
        "Accounts owing less than this on a past-due bill are not charged a late penalty.",
    ),
    (
        "bill-audit-amount-over",
        "Bill audit: review bills over this amount",
        "billing",
        "money",
        "1000.00",
        "A bill over this amount is a blocking exception in the bill audit.",
    ),
    (
        "bill-audit-typical-multiple",
        "Bill audit: times the typical bill",
        "billing",
        "integer",
        "3",
        "A bill over this many times the account's average of its last six bills is a blocking "
        "exception.",
    ),
    (
        "leak-min-history-months",
        "Leak adjustment: months of history",
        "leaks",
        "integer",
        "12",
        "An account needs continuous posted bills (no gap of service) covering at least this "
        "many months before the leak.",
    ),
    (
        "leak-once-per-months",
        "Leak adjustment: once per months",
        "leaks",
        "integer",
        "12",
        "Only one leak adjustment (waiting or posted) in this many months.",
    ),
    (
        "leak-rejected-requests-count",
        "Leak adjustment: rejected requests count",
        "leaks",
        "boolean",
        "false",
        "A rejected leak request also counts as the one request allowed in that many months.",
    ),
    (
        "leak-max-months",
        "Leak adjustment: most months",
        "leaks",
        "integer",
        "3",
        "A leak credit covers bills spanning at most this many months (a bimonthly bill is two).",
    ),
    (
        "leak-cap-in-bills",
        "Leak adjustment: cap counts bills",
        "leaks",
        "boolean",
        "false",
        "Count the cap in bills (most billing periods) instead of months.",
    ),
    (
        "leak-max-periods",
        "Leak adjustment: most billing periods",
        "leaks",
        "integer",
        "2",
        "When the cap counts bills: a leak adjustment covers at most this many bills.",
    ),
    (
        "leak-credit-rate-percent",
        "Leak adjustment: credit rate",
        "leaks",
        "percent",
        "50",
        "Share of the volumetric charge for the use above typical that is credited.",
    ),
    (
        "read-window-days",
        "Read window: last days of the billing period",
        "billing",
        "days",
        "5",
        "Meters are read in the last days of each billing period (before the tolerance).",
    ),
    (
        "read-window-tolerance-days",
        "Read window tolerance",
        "billing",
        "days",
        "2",
        "The read window opens this many days earlier and closes this many days later; "
        "a read outside it is flagged, not refused.",
    ),
    (
        "bill-days-after-period-end",
        "Bill date: days after the period ends",
        "billing",
        "days",
        "5",
        "Bills are dated this many days after the billing period ends "
        "(never before the read window closes).",
    ),
    (
        "read-high-percent",
        "High read: percent of usual use",
        "reads",
        "integer",
        "200",
        "A read is flagged high above this percent of the meter's usual use (its 12-month "
        "average and the same month last year).",
    ),
    (
        "read-low-percent",
        "Low read: percent of usual use",
        "reads",
        "integer",
        "50",
        "A read is flagged low below this percent of the meter's usual use (its 12-month "
        "average and the same month last year).",
    ),
    (
        "bill-run-stall-minutes",
        "Bill run stalled after (minutes)",
        "billing",
        "integer",
        "15",
        "A bill run whose calculating, posting or issuing has not moved for this many minutes "
        "is shown as stalled, and billing staff may resume it from its page.",
    ),
]


def ensure_chart_of_accounts(gl_account_model) -> None:
    for code, purpose, kind in CHART:
        gl_account_model.objects.get_or_create(
            purpose=purpose.value, defaults={"code": code, "name": purpose.label, "kind": kind}
        )


def ensure_policies(policy_model) -> None:
    for key, label, category, value_type, value, description in POLICIES:
        policy_model.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "category": category,
                "value_type": value_type,
                "value": value,
                "description": description,
            },
        )


def ensure_reference_data(sender=None, **kwargs) -> None:
    """post_migrate receiver: the chart and the policies exist after every migrate or flush."""
    # The migration state, when given, tells whether the tables exist yet (a partial migrate).
    state = kwargs.get("apps") or apps
    try:
        gl_account_model = state.get_model("ledger", "GLAccount")
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    ensure_chart_of_accounts(gl_account_model)
    ensure_policies(policy_model)
