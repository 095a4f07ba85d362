"""The counter search: one box finds an account by name, address, number, phone, email, meter, APN.

Two queries whatever is typed. The first is a UNION ALL of one indexed branch per kind of
identifier the text could be (each branch uses an index defined on the models with the very
same expression, so PostgreSQL can use it; see bench/search.py for EXPLAIN on 100,000 accounts):

    account number   = / LIKE 'prefix%'   account_number_prefix_idx, the unique index
    phone            = / LIKE 'prefix%'   customer_phone_prefix_idx, customer_alt_phone_idx
    email            UPPER(email) =        customer_email_upper_idx
    meter serial     UPPER(serial) =       meter_serial_upper_idx (the meter installed now)
    APN              REPLACE(apn,'-','') = premise_apn_compact_idx
    former number    = (the old system's account number of a converted account, upper-cased)
    name, address    to_tsvector @@ 'lop:* & mar:*'   the two GIN full-text indexes

The second loads the winning accounts with customer, premise and cached balance.

Ranking: exact identifiers first, then open accounts before final/closed ones, then relevance
(full-text rank; an address whose house number is typed exactly counts more).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, FloatField, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Replace, Upper

from accounts.models import Customer, ServiceAccount
from accounts.numbers import format_account_number, is_valid_luhn, luhn_check_digit
from district.ledger.models import AccountBalance
from district.money import ZERO
from field_ops.models import MeterInstallation, Premise

# Tiers: what kind of match it is. Lower sorts first.
EXACT = 0  # a whole identifier: account number, phone, email, serial, APN
PREFIX = 1  # the start of an account number or phone, as it is being typed
TEXT = 2  # name or address words

# Open accounts first: active, then the ones starting or stopping, then final, then closed.
_STATUS_RANK = {
    ServiceAccount.Status.ACTIVE: 0,
    ServiceAccount.Status.PENDING_FINAL: 1,
    ServiceAccount.Status.PENDING: 1,
    ServiceAccount.Status.FINAL: 2,
    ServiceAccount.Status.CLOSED: 3,
}
CHECK_DIGIT_NOTE = "check digit does not match"
ACCOUNT_NUMBER = "Account number"

_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits: what to_tsvector('simple') keeps
_NUMBER_LIKE = re.compile(r"^[\d\s().+/-]+$")  # digits typed with any punctuation
_DASHED_ACCOUNT = re.compile(r"^(\d{5,11})-(\d)$")  # 1000001-5: the check digit after a dash
_MIN_PREFIX_DIGITS = 5
_MIN_WORD = 3  # a text search needs a word of 3+ characters ("ma" matches too much to rank)
_TEXT_CANDIDATES = 200  # per text branch, see _text_branches
# The very expressions of customer_name_search_idx and premise_address_search_idx.
_NAME_FIELDS = ("first_name", "last_name", "business_name")
_ADDRESS_FIELDS = ("house_number", "street", "unit", "city")


@dataclass(frozen=True)
class SearchHit:
    account_id: int
    account_number: str  # formatted, 1000001-5
    customer_id: int
    customer_name: str
    service_address: str
    status: str  # ServiceAccount.Status value
    status_label: str
    balance: Decimal
    matched: str  # what matched: "Account number", "Name, Service address", ...
    exact: bool  # a whole identifier matched (the counter may jump straight to the account)
    note: str = ""  # e.g. "check digit does not match"

    @property
    def is_open(self) -> bool:
        return _STATUS_RANK.get(self.status, 9) <= 1


def _status_rank():
    return Case(
        *(When(status=status, then=Value(rank)) for status, rank in _STATUS_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def _branch(queryset, *, tier: int, label: str, limit: int, relevance=None, ordered=True):
    """One UNION member: the same columns in the same order, its own ORDER BY and LIMIT.

    Columns: (account id, number, tier, label, relevance, status rank).
    """
    queryset = queryset.annotate(
        hit_tier=Value(tier, output_field=IntegerField()),
        hit_label=Value(label),
        hit_relevance=Cast(relevance if relevance is not None else Value(0.0), FloatField()),
        hit_status=_status_rank(),
    ).values_list("id", "number", "hit_tier", "hit_label", "hit_relevance", "hit_status")
    # Ordering a branch sorts all its matches; prefix branches take the index's order instead.
    order = ("hit_status", "-hit_relevance", "id") if ordered else ("number",)
    return queryset.order_by(*order)[:limit]


def _account_number_candidates(text: str, digits: str) -> dict[str, str]:
    """Full account numbers the typed digits may mean -> a note ("" or the check digit one)."""
    dashed = _DASHED_ACCOUNT.match(text.replace(" ", ""))
    if dashed:
        base, check = dashed.groups()
        expected = luhn_check_digit(base)
        return {base + expected: "" if check == expected else CHECK_DIGIT_NOTE}
    if not 6 <= len(digits) <= 12:
        return {}
    candidates = {}
    if is_valid_luhn(digits):
        candidates[digits] = ""
    else:
        # A whole number with a wrong last digit: search its base digits, and say so.
        candidates[digits[:-1] + luhn_check_digit(digits[:-1])] = CHECK_DIGIT_NOTE
    if len(digits) <= 11:  # or the number typed without its check digit
        candidates.setdefault(digits + luhn_check_digit(digits), "")
    return candidates


def _number_branches(text: str, digits: str, limit: int) -> tuple[list, dict[str, str]]:
    """Digits typed any way: an account number (whole, base, or its start) or a phone."""
    accounts = ServiceAccount.objects.all()
    branches = []
    notes = _account_number_candidates(text, digits)
    if notes:
        branches.append(
            _branch(
                accounts.filter(number__in=list(notes)),
                tier=EXACT,
                label=ACCOUNT_NUMBER,
                limit=limit,
            )
        )
    if _MIN_PREFIX_DIGITS <= len(digits) < 12 and not _DASHED_ACCOUNT.match(text):
        branches.append(
            _branch(
                accounts.filter(number__startswith=digits),
                tier=PREFIX,
                label=ACCOUNT_NUMBER,
                limit=limit,
                relevance=Value(1.0),
                ordered=False,
            )
        )
    phone = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(phone) == 10:
        branches.append(
            _branch(
                accounts.filter(Q(customer__phone=phone) | Q(customer__alternate_phone=phone)),
                tier=EXACT,
                label="Phone",
                limit=limit * 3,
            )
        )
    elif 7 <= len(phone) < 10 and phone[0] not in "01":
        branches.append(
            _branch(
                accounts.filter(customer__phone__startswith=phone),
                tier=PREFIX,
                label="Phone",
                limit=limit,
                relevance=Value(1.0),
                ordered=False,
            )
        )
    return branches, notes


def _identifier_branches(token: str, limit: int) -> list:
    """One word that may be a meter serial (the meter installed now) or an APN."""
    accounts = ServiceAccount.objects.all()
    branches = []
    if len(token) >= 3:
        serial_premises = (
            MeterInstallation.objects.filter(removed_on__isnull=True)
            .annotate(serial_upper=Upper("meter__serial"))
            .filter(serial_upper=token.upper())
            .values("premise_id")
        )
        branches.append(
            _branch(
                accounts.filter(premise_id__in=serial_premises),
                tier=EXACT,
                label="Meter serial",
                limit=limit * 3,
            )
        )
    if len(token) >= 3:
        # A converted account's number in the old system (accounts.LegacyAccountNumber).
        branches.append(
            _branch(
                accounts.filter(legacy_number__number=token.upper()),
                tier=EXACT,
                label="Former account number",
                limit=limit,
            )
        )
    compact_apn = token.replace("-", "")
    if len(compact_apn) >= 6 and compact_apn.isalnum() and any(c.isdigit() for c in compact_apn):
        apn_premises = (
            Premise.objects.annotate(apn_compact=Replace("apn", Value("-"), Value("")))
            .filter(apn_compact=compact_apn)
            .values("id")
        )
        branches.append(
            _branch(
                accounts.filter(premise_id__in=apn_premises),
                tier=EXACT,
                label="APN",
                limit=limit * 3,
            )
        )
    return branches


def _text_branches(words: list[str], limit: int) -> list:
    """Name and service address words, each word a prefix ("lop mar" finds Maria Lopez).

    A broad word ("mesa" is also a city) matches thousands of rows: only the first
    _TEXT_CANDIDATES customers or premises the index yields are ranked, so the cost stays
    flat (and the planner keeps to index lookups); another word narrows it.
    """
    accounts = ServiceAccount.objects.all()
    raw = " & ".join(f"{word.lower()}:*" for word in words)
    query = SearchQuery(raw, search_type="raw", config="simple")
    customers = (
        Customer.objects.annotate(vector=SearchVector(*_NAME_FIELDS, config="simple"))
        .filter(vector=query)
        .order_by()
        .values("id")[:_TEXT_CANDIDATES]
    )
    name_vector = SearchVector(*(f"customer__{name}" for name in _NAME_FIELDS), config="simple")
    premises = (
        Premise.objects.annotate(vector=SearchVector(*_ADDRESS_FIELDS, config="simple"))
        .filter(vector=query)
        .order_by()
        .values("id")[:_TEXT_CANDIDATES]
    )
    address_vector = SearchVector(
        *(f"premise__{name}" for name in _ADDRESS_FIELDS), config="simple"
    )
    # "123 main": the house numbered exactly 123 before 1234 and 12300.
    house_bonus = Case(
        When(premise__house_number__in=[word for word in words if word.isdigit()], then=1.0),
        default=0.0,
        output_field=FloatField(),
    )
    return [
        _branch(
            accounts.filter(customer_id__in=customers),
            tier=TEXT,
            label="Name",
            limit=limit,
            relevance=SearchRank(name_vector, query),
        ),
        _branch(
            accounts.filter(premise_id__in=premises),
            tier=TEXT,
            label="Service address",
            limit=limit,
            relevance=SearchRank(address_vector, query) + house_bonus,
        ),
    ]


def _branches(text: str, limit: int) -> tuple[list, dict[str, str]]:
    """The indexed searches worth running for what was typed, and account-number notes."""
    if "@" in text:  # an email is nothing else
        email = ServiceAccount.objects.annotate(email_upper=Upper("customer__email"))
        return [
            _branch(email.filter(email_upper=text.upper()), tier=EXACT, label="Email", limit=limit)
        ], {}
    branches, notes = [], {}
    words = _WORD.findall(text)
    numeric = bool(_NUMBER_LIKE.match(text)) and any(char.isdigit() for char in text)
    digits = re.sub(r"\D", "", text) if numeric else ""
    if digits:
        branches, notes = _number_branches(text, digits, limit)
    if " " not in text:
        branches += _identifier_branches(text, limit)
    # Words with letters, or a short number (a house number being typed).
    if words and max(map(len, words)) >= _MIN_WORD and (not digits or len(digits) <= 6):
        branches += _text_branches(words, limit)
    return branches, notes


def search_accounts(query: str, *, limit: int = 20) -> list[SearchHit]:
    """Accounts matching what a CSR typed, best first (two queries; none for an empty box)."""
    text = (query or "").strip()[:100]
    if len(text) < 2:
        return []
    branches, notes = _branches(text, limit)
    if not branches:
        return []
    first, *others = branches
    union = first.union(*others, all=True) if others else first

    # Best match per account: (not exact, status rank, tier, -relevance); every label matched.
    best: dict[int, tuple] = {}
    labels: dict[int, list[str]] = {}
    account_notes: dict[int, str] = {}
    for account_id, number, tier, label, relevance, status_rank in union:
        key = (tier != EXACT, status_rank, tier, -(relevance or 0.0), number)
        if account_id not in best or key < best[account_id]:
            best[account_id] = key
        if label not in labels.setdefault(account_id, []):
            labels[account_id].append(label)
        if tier == EXACT and label == ACCOUNT_NUMBER and notes.get(number):
            account_notes[account_id] = notes[number]
    ranked = sorted(best, key=best.__getitem__)[:limit]
    if not ranked:
        return []

    balance = AccountBalance.objects.filter(service_account_id=OuterRef("pk")).values("balance")
    loaded = ServiceAccount.objects.select_related("customer", "premise").annotate(
        cached_balance=Subquery(balance[:1])
    )
    accounts = {account.pk: account for account in loaded.filter(pk__in=ranked)}
    status_labels = dict(ServiceAccount.Status.choices)
    hits = []
    for account_id in ranked:
        account = accounts.get(account_id)
        if account is None:  # gone between the two queries: nothing to show
            continue
        hits.append(
            SearchHit(
                account_id=account.pk,
                account_number=format_account_number(account.number),
                customer_id=account.customer_id,
                customer_name=account.customer.display_name,
                service_address=account.premise.full_address,
                status=account.status,
                status_label=status_labels.get(account.status, account.status),
                balance=account.cached_balance if account.cached_balance is not None else ZERO,
                matched=", ".join(labels[account_id]),
                exact=not best[account_id][0],
                note=account_notes.get(account_id, ""),
            )
        )
    return hits


def exact_match(hits: list[SearchHit]) -> SearchHit | None:
    """The one account a whole identifier names, when the search found exactly that."""
    exact = [hit for hit in hits if hit.exact and not hit.note]
    return exact[0] if len(exact) == 1 else None
