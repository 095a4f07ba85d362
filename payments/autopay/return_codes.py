"""The return reason codes (R) and change codes (C) the bank sends back, with what each does here.

`suspends`: the code says the bank account itself cannot be drafted (closed, not found, the
authorization revoked, ...), so autopay stops until the customer gives a new account (a new
prenote). `fee`: the customer caused the return, so the returned-payment fee (policy "nsf-fee")
is charged, as for a bounced check. Insufficient or uncollected funds (R01, R09) charge the fee
and do not suspend by themselves: repeated, they make the customer cash only, which does.
"""

from dataclasses import dataclass

from payments.models import ReturnedItem


@dataclass(frozen=True)
class ReturnCode:
    code: str
    meaning: str
    suspends: bool
    fee: bool
    # The returned-payment path's reason (its own fee rule agrees with `fee`).
    reason: str = ReturnedItem.Reason.OTHER


_NSF, _CLOSED, _STOPPED = (
    ReturnedItem.Reason.NSF,
    ReturnedItem.Reason.CLOSED,
    ReturnedItem.Reason.STOPPED,
)

RETURN_CODES = {
    row.code: row
    for row in (
        ReturnCode("R01", "Insufficient funds", suspends=False, fee=True, reason=_NSF),
        ReturnCode("R02", "Account closed", suspends=True, fee=True, reason=_CLOSED),
        ReturnCode("R03", "No account, or unable to locate the account", True, False),
        ReturnCode("R04", "Invalid account number", suspends=True, fee=False),
        ReturnCode("R05", "Unauthorized debit to a consumer account", suspends=True, fee=False),
        ReturnCode("R06", "Returned at the district's bank's request", suspends=False, fee=False),
        ReturnCode("R07", "Authorization revoked by the customer", suspends=True, fee=False),
        ReturnCode("R08", "Payment stopped", suspends=True, fee=True, reason=_STOPPED),
        ReturnCode("R09", "Uncollected funds", suspends=False, fee=True, reason=_NSF),
        ReturnCode("R10", "Customer advises not authorized", suspends=True, fee=False),
        ReturnCode("R11", "Customer advises entry not as authorized", suspends=False, fee=False),
        ReturnCode("R12", "Account sold to another bank", suspends=True, fee=False),
        ReturnCode("R14", "Representative payee deceased", suspends=True, fee=False),
        ReturnCode("R15", "Account holder deceased", suspends=True, fee=False),
        ReturnCode("R16", "Account frozen", suspends=True, fee=False),
        ReturnCode("R17", "File record edit criteria", suspends=False, fee=False),
        ReturnCode("R20", "Non-transaction account", suspends=True, fee=False),
        ReturnCode("R24", "Duplicate entry", suspends=False, fee=False),
        ReturnCode("R29", "Corporate customer advises not authorized", suspends=True, fee=False),
    )
}


def return_code(code: str) -> ReturnCode:
    """The code's row; a code not in the table reverses the payment, charges nothing and
    suspends nothing, and says so."""
    return RETURN_CODES.get(
        code, ReturnCode(code, f"Return reason {code} (not in the district's table)", False, False)
    )


# Change codes this district acts on, and what the corrected data (columns 36-64 of the
# addenda, 29 characters) holds for each: (field, first column, last column) 1-based in it.
CHANGE_CODES = {
    "C01": ("Incorrect account number", (("account", 1, 17),)),
    "C02": ("Incorrect routing number", (("routing", 1, 9),)),
    "C03": ("Incorrect routing and account number", (("routing", 1, 9), ("account", 13, 29))),
    "C05": ("Incorrect transaction code (account type)", (("transaction_code", 1, 2),)),
    "C06": (
        "Incorrect account number and transaction code",
        (("account", 1, 17), ("transaction_code", 21, 22)),
    ),
    "C07": (
        "Incorrect routing, account number and transaction code",
        (("routing", 1, 9), ("account", 10, 26), ("transaction_code", 27, 28)),
    ),
}


def change_meaning(code: str) -> str:
    return CHANGE_CODES[code][0] if code in CHANGE_CODES else f"Change code {code}"
