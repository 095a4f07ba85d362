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
    ("4340", Purpose.FEES_CONVENIENCE, "revenue"),
    ("4400", Purpose.HYDRANT_WATER, "revenue"),
    ("4500", Purpose.DAMAGE_RECOVERY, "revenue"),
    # Contra-revenue: assistance programs' bill credits, kept apart from water sales.
    ("4900", Purpose.PROGRAM_CREDITS, "revenue"),
    ("6100", Purpose.CASH_OVER_SHORT, "expense"),
    ("6200", Purpose.WRITE_OFFS, "expense"),
    ("6300", Purpose.DEPOSIT_INTEREST, "expense"),
    # What a processor keeps of its payout when it settles net of its fees.
    ("6400", Purpose.PROCESSOR_FEES, "expense"),
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
    # Office hours and the business-day calendar (district/business_days.py).
    (
        "office-opens",
        "Office opens at",
        "office",
        "text",
        "08:00",
        "When the business office opens to the public on a business day (24-hour HH:MM).",
    ),
    (
        "office-closes",
        "Office closes at",
        "office",
        "text",
        "17:00",
        "When the business office closes to the public on a business day (24-hour HH:MM). "
        "Water is never shut off for non-payment while the office is closed.",
    ),
    # Collections (billing.collections, billing.shutoffs). The Water Shutoff Protection Act's
    # floors (Health & Safety Code 116900-116926) are enforced in code for residential
    # service; these policies may make the district stricter on itself, never laxer.
    (
        "collections-minimum-past-due",
        "Smallest past-due balance pursued to shut-off",
        "collections",
        "money",
        "50.00",
        "An account owing less than this past due gets reminders but is never shut off.",
    ),
    (
        "collections-shutoff-days-delinquent",
        "Days a bill is delinquent before shut-off",
        "collections",
        "days",
        "60",
        "Residential service is never shut off before a bill has been delinquent this many "
        "days; the law's floor is 60 and a lower value is treated as 60.",
    ),
    (
        "collections-notice-business-days",
        "Business days of written notice before shut-off",
        "collections",
        "days",
        "7",
        "The written disconnection notice is mailed at least this many business days before "
        "shut-off; the law's floor is 7 and a lower value is treated as 7.",
    ),
    (
        "collections-tenant-notice-days",
        "Days of notice to tenants (multi-unit)",
        "collections",
        "days",
        "10",
        "Tenants of a landlord-billed multi-unit building are told this many days before "
        "shut-off; the law's floor is 10.",
    ),
    (
        "collections-tenant-detached-notice-days",
        "Days of notice to tenants (detached house)",
        "collections",
        "days",
        "7",
        "Tenants of a landlord-billed detached single-family house are told this many days "
        "before shut-off; the law's floor is 7.",
    ),
    (
        "collections-payment-in-flight-days",
        "Days a reported payment holds collections",
        "collections",
        "days",
        "5",
        "A customer who says a payment is on its way holds the shut-off this many days.",
    ),
    (
        "reconnect-same-day-cutoff",
        "Same-day reconnection if paid by",
        "collections",
        "text",
        "15:00",
        "A payment by this time on a business day gets the water back on the same day "
        "(24-hour HH:MM); later, the next business day unless after-hours service is asked for.",
    ),
    (
        "reconnect-fee-after-hours",
        "Reconnect fee, after hours",
        "fees",
        "money",
        "150.00",
        "Charged to restore service shut off for non-payment outside office hours.",
    ),
    (
        "sb998-reconnect-cap",
        "Reconnect fee cap for income-qualified households, office hours",
        "collections",
        "money",
        "50.00",
        "Health & Safety Code 116914: the most an income-qualified household pays to reconnect "
        "during office hours, before the CPI adjustment.",
    ),
    (
        "sb998-reconnect-cap-after-hours",
        "Reconnect fee cap for income-qualified households, after hours",
        "collections",
        "money",
        "150.00",
        "Health & Safety Code 116914: the most an income-qualified household pays to reconnect "
        "outside office hours, before the CPI adjustment.",
    ),
    (
        "sb998-cpi-adjustment-percent",
        "CPI change since January 2021 for the reconnect caps",
        "collections",
        "percent",
        "0",
        "The change in the Consumer Price Index since January 1, 2021, by which the law's "
        "$50 and $150 reconnect caps are raised. Finance enters it each January.",
    ),
    (
        "income-qualified-fpl-percent",
        "Income-qualified: household income under this % of the federal poverty level",
        "collections",
        "integer",
        "200",
        "A household with income under this percentage of the federal poverty guideline (or "
        "enrolled in a listed assistance program) gets the law's reconnect fee caps and "
        "interest waiver.",
    ),
    (
        "arrangement-max-months",
        "Payment arrangement: longest term a CSR may set",
        "collections",
        "integer",
        "12",
        "A payment arrangement longer than this many months needs a supervisor's approval.",
    ),
    (
        "arrangement-limit-csr2",
        "Payment arrangement: largest a CSR may set",
        "collections",
        "money",
        "2000.00",
        "A payment arrangement over this amount needs a supervisor's approval.",
    ),
    (
        "arrangement-default-days",
        "Payment arrangement: days an installment is delinquent before default",
        "collections",
        "days",
        "60",
        "An arrangement defaults only when an installment has been unpaid this many days "
        "(the law's floor is 60).",
    ),
    (
        "arrangement-warning-days",
        "Payment arrangement: days late before the warning letter",
        "collections",
        "days",
        "45",
        "A customer whose installment is this many days late is written to before the "
        "arrangement defaults.",
    ),
    (
        "write-off-age-days",
        "Final balances proposed for write-off after",
        "collections",
        "days",
        "120",
        "A closed account's balance unpaid this many days after its final bill is proposed "
        "for write-off.",
    ),
]


def ensure_chart_of_accounts(gl_account_model) -> None:
    for code, purpose, kind in CHART:
        gl_account_model.objects.get_or_create(
            purpose=purpose.value, defaults={"code": code, "name": purpose.label, "kind": kind}
        )


def ensure_policies(policy_model, policies=POLICIES) -> None:
    """Create each (key, label, category, value_type, value, description) policy that is
    missing; an existing policy keeps what supervisors set. Apps pass their own lists."""
    for key, label, category, value_type, value, description in policies:
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
