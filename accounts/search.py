"""The counter search: one box finds an account by name, address, number, phone, email, meter, APN.

It first decides what was typed (`classify`), then reads only the search document
(accounts.SearchDocument, one row per account kept by triggers) through the index of each kind
the text could be:

    exact identifiers   one query: a UNION ALL of one indexed equality per kind the text could
                        be (account number, phone, e-mail, meter serial, APN, former number);
                        digits that could be a phone, an account and a serial ask all three
    broader search      only when no exact identifier matched (or none was typed): prefixes while
                        typing (account number, phone, name in either order, house number and
                        street; b-trees with varchar_pattern_ops, read in index order up to the
                        limit) and names whose every typed word starts one of their words, in
                        any order ("smi joh"; a GIN index on the name's words)
    closest spellings   only when the broader search found fewer than the limit (a misspelling,
                        a rare name): the names and addresses above a trigram similarity (pg_trgm's
                        GIN indexes answer `%` with few rows to recheck), nearest first; a looser
                        similarity only when nothing at all was found

Each query returns what the results show (the document holds the display name and address,
the balance comes from its one-row cache), so a search is one query, or two or three when the
cheaper ones find nothing. Without pg_trgm (the embedded server has no contrib extensions) the
words' matches are ordered by name, and when nothing at all matched, the names and streets that
start with the same letters are read alike in Python (difflib) for a misspelling.

Ranking: exact identifiers first; then prefixes and names by their words' starts; the closest
spellings only when nothing else matched. Within each, open accounts before final and closed
ones, then the closest.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from django.db import connection

from accounts.models import ServiceAccount
from accounts.numbers import format_account_number, is_valid_luhn, luhn_check_digit
from district.money import ZERO

# Tiers: what kind of match it is. Lower sorts first.
EXACT = 0  # a whole identifier: account number, phone, email, serial, APN, former number
PREFIX = 1  # the start of an account number, phone, name or address, as it is being typed
TEXT = 2  # the closest names and addresses (trigram distance)

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
PHONE = "Phone"
EMAIL = "Email"
METER_SERIAL = "Meter serial"
APN = "APN"
FORMER_NUMBER = "Former account number"
NAME = "Name"
SERVICE_ADDRESS = "Service address"

_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits: what the document's keys keep
_NUMBER_LIKE = re.compile(r"^[\d\s().+/-]+$")  # digits typed with any punctuation
_DASHED_ACCOUNT = re.compile(r"^(\d{5,11})-(\d)$")  # 1000001-5: the check digit after a dash
_MIN_PREFIX_DIGITS = 5
_MIN_WORD = 3  # a name or address needs a word of 3+ characters ("ma" matches too much)
_MIN_TRIGRAM_TEXT = 4  # shorter text is a prefix being typed: the b-tree answers it
_MAX_HOUSE_DIGITS = 6
# Trigram similarity of the closest spellings: "garcai maria" is 0.5 from "garcia maria", "mario
# garcia" 0.79; below 0.45 lie mostly other names, but also a word alone against a longer name
# ("martines" and "martinez miguel", 0.41), asked at pg_trgm's default 0.3 when nothing closer is.
CLOSE_SIMILARITY = 0.45
LOOSE_SIMILARITY = 0.3
# Without pg_trgm (the embedded server of `make run`), a misspelling is looked for among the
# names and streets starting with the same letters, read alike in Python: "garcai maria" and
# "garcia maria" are 0.83 alike, "1430 hern" and "1430 heron" 0.95.
_ALIKE_LETTERS = 3
_ALIKE_CANDIDATES = 10  # candidates read, per result shown
_ALIKE_RATIO = 0.75
# The expression of the name's words' GIN index (SearchDocument.Meta, migration 0009), verbatim.
_NAME_WORDS = "to_tsvector('simple'::regconfig, COALESCE(document.name, ''))"


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


@dataclass
class Typed:
    """What the text in the box could be; each filled attribute is one indexed look-up."""

    text: str
    # Exact identifiers (answered first, from their own indexes).
    account_numbers: dict[str, str] = field(default_factory=dict)  # number -> note
    phone: str = ""
    email: str = ""  # upper-cased
    serial: str = ""  # upper-cased
    former_number: str = ""  # upper-cased, no spaces
    apn: str = ""  # upper-cased, no dashes
    # The broader search (when no exact identifier matched).
    account_prefix: str = ""
    phone_prefix: str = ""
    name_words: list[str] = field(default_factory=list)
    address_words: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """What the text was taken for, exact kinds first (for tests and the bench)."""
        named = [
            ("account number", self.account_numbers),
            ("phone", self.phone),
            ("email", self.email),
            ("meter serial", self.serial),
            ("former number", self.former_number),
            ("APN", self.apn),
            ("account number prefix", self.account_prefix),
            ("phone prefix", self.phone_prefix),
            ("name", self.name_words),
            ("address", self.address_words),
        ]
        return [kind for kind, value in named if value]

    @property
    def has_exact(self) -> bool:
        return bool(
            self.account_numbers
            or self.phone
            or self.email
            or self.serial
            or self.former_number
            or self.apn
        )


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


def _identifier_words(typed: Typed, text: str) -> None:
    """A serial, an old system's number or an APN: one word, upper-cased, 3+ characters."""
    compact = text.replace(" ", "").upper()
    if " " not in text and len(compact) >= 3:
        typed.serial = compact
    if len(compact) >= 3:
        # A converted account's number in the old system (stored upper-cased, no spaces).
        typed.former_number = compact
    apn = compact.replace("-", "")
    if " " not in text and len(apn) >= 6 and apn.isalnum() and any(c.isdigit() for c in apn):
        typed.apn = apn


def classify(query: str) -> Typed:
    """Decide what was typed: each kind it could be, exact identifiers apart from prefixes."""
    text = (query or "").strip()[:100]
    typed = Typed(text=text)
    if len(text) < 2:
        return typed
    if "@" in text:  # an e-mail is nothing else
        typed.email = text.upper()
        return typed
    words = _WORD.findall(text.lower())
    numeric = bool(_NUMBER_LIKE.match(text)) and any(char.isdigit() for char in text)
    if numeric:
        digits = re.sub(r"\D", "", text)
        typed.account_numbers = _account_number_candidates(text, digits)
        if _MIN_PREFIX_DIGITS <= len(digits) < 12 and not _DASHED_ACCOUNT.match(text):
            typed.account_prefix = digits
        phone = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
        if len(phone) == 10:
            typed.phone = phone
        elif 7 <= len(phone) < 10 and phone[0] not in "01":
            typed.phone_prefix = phone
        _identifier_words(typed, text)
        if len(words) == 1 and len(digits) <= _MAX_HOUSE_DIGITS:  # a house number being typed
            typed.address_words = words
        return typed
    if " " not in text and any(char.isdigit() for char in text):
        # One word of letters and digits (BX-40077, A-1002): an identifier, or else a name.
        _identifier_words(typed, text)
        if max(map(len, words)) >= _MIN_WORD:
            typed.name_words = typed.address_words = words
        return typed
    if not words or max(map(len, words)) < _MIN_WORD:
        return typed
    if words[0].isdigit() and len(words) > 1:  # "123 main": a house number and street
        typed.address_words = words
    else:  # a name in either order ("garcia maria", "Garcia, Maria"), or a street alone
        typed.name_words = words
        typed.address_words = words
    return typed


# --- the queries --------------------------------------------------------------------------------

_COLUMNS = (
    "document.account_id, document.number, document.customer_id, document.customer_name, "
    "document.service_address, document.status"
)


def _branch(where, params, *, tier, label, limit, order="", order_params=(), distance=False):
    """One UNION member: the document's columns, what matched, its distance; its own LIMIT.

    `order` is the index's order (a b-tree's column, or a trigram distance, also returned).
    """
    measured = f"({order})::float8" if distance else "0.0::float8"
    order_by = f" ORDER BY {order}" if order else ""
    sql = (
        f"(SELECT {_COLUMNS}, {tier} AS tier, %s::text AS label, {measured} AS distance "
        f"FROM accounts_searchdocument document WHERE {where}{order_by} LIMIT {int(limit)})"
    )
    if distance:  # the distance is selected and ordered by: its parameter twice, in that order
        return sql, [label, *order_params, *params, *order_params]
    return sql, [label, *params, *order_params]


def _exact_branches(typed: Typed, limit: int) -> list:
    branches = []
    if typed.account_numbers:
        branches.append(
            _branch(
                "document.number = ANY(%s)",
                [list(typed.account_numbers)],
                tier=EXACT,
                label=ACCOUNT_NUMBER,
                limit=limit,
            )
        )
    if typed.phone:
        for column in ("phone", "alternate_phone"):
            branches.append(
                _branch(
                    f"document.{column} = %s", [typed.phone], tier=EXACT, label=PHONE, limit=limit
                )
            )
    if typed.email:
        branches.append(
            _branch("document.email = %s", [typed.email], tier=EXACT, label=EMAIL, limit=limit)
        )
    if typed.serial:
        branches.append(
            _branch(
                "document.serials @> ARRAY[%s]::varchar[]",
                [typed.serial],
                tier=EXACT,
                label=METER_SERIAL,
                limit=limit,
            )
        )
    if typed.former_number:
        branches.append(
            _branch(
                "document.former_number = %s",
                [typed.former_number],
                tier=EXACT,
                label=FORMER_NUMBER,
                limit=limit,
            )
        )
    if typed.apn:
        branches.append(
            _branch("document.apn = %s", [typed.apn], tier=EXACT, label=APN, limit=limit)
        )
    return branches


def _prefix(column: str, start: str, *, label: str, limit: int, tier: int = PREFIX):
    """Values beginning with `start`, read in the b-tree's own order (varchar_pattern_ops:
    ~>=~ and ~<~, ORDER BY ... USING ~<~), so the scan stops at the limit. Written as a range,
    not LIKE 'start%', which the trigram GIN index also answers: at 1,000,000 accounts the
    planner took it for "smi" and sorted 4,442 names (75 ms; the range reads 20 rows, 0.06 ms)."""
    # The typed words are letters, digits and spaces: the next character always exists.
    end = start[:-1] + chr(ord(start[-1]) + 1)
    return _branch(
        f"document.{column} ~>=~ %s AND document.{column} ~<~ %s",
        [start, end],
        tier=tier,
        label=label,
        limit=limit,
        order=f"document.{column} USING ~<~",
    )


def _closest(column: str, text: str, *, label: str, limit: int):
    """The nearest by trigram distance among those above the similarity threshold (`%`, which
    the trigram GIN index answers); the statement sets the threshold (`_run`)."""
    return _branch(
        f"document.{column} %% %s",
        [text],
        tier=TEXT,
        label=label,
        limit=limit,
        order=f"document.{column} <-> %s",
        order_params=[text],
        distance=True,
    )


def _words(typed_name: str, words: list[str], *, limit: int, trigrams: bool, tier: int = PREFIX):
    """Every typed word the start of a word of the name, in any order ("smi joh" is John Smith
    and Joan Smithers): the name's words under their GIN index, the closest first."""
    query = " & ".join(f"{word}:*" for word in words)  # words are letters and digits only
    where = f"{_NAME_WORDS} @@ to_tsquery('simple'::regconfig, %s)"
    if not trigrams:
        return _branch(where, [query], tier=tier, label=NAME, limit=limit, order="document.name")
    return _branch(
        where,
        [query],
        tier=tier,
        label=NAME,
        limit=limit,
        order="document.name <-> %s",
        order_params=[typed_name],
        distance=True,
    )


def _broad_branches(typed: Typed, limit: int, *, trigrams: bool) -> list:
    """Prefixes while typing and names by their words' starts: b-trees and the words' GIN."""
    branches = []
    if typed.account_prefix:
        branches.append(_prefix("number", typed.account_prefix, label=ACCOUNT_NUMBER, limit=limit))
    if typed.phone_prefix:
        branches.append(_prefix("phone", typed.phone_prefix, label=PHONE, limit=limit))
    if typed.name_words:
        typed_name = " ".join(typed.name_words)
        # "lopez maria" and "maria lopez" are both kept: either order is a prefix of one.
        for column in ("name", "name_first_last"):
            branches.append(_prefix(column, typed_name, label=NAME, limit=limit))
        if len(typed.name_words) > 1:  # one word alone is a prefix above: "smi" matches too many
            branches.append(_words(typed_name, typed.name_words, limit=limit, trigrams=trigrams))
    if typed.address_words:
        typed_address = " ".join(typed.address_words)
        # "123" is a whole house number: 123 Main St, not 1234 Main St.
        start = typed_address + (" " if typed_address.isdigit() else "")
        branches.append(_prefix("address", start, label=SERVICE_ADDRESS, limit=limit))
    return branches


def _closest_branches(typed: Typed, limit: int, *, addresses: bool = True) -> list:
    """Names and addresses by trigram closeness (pg_trgm's GIN): what finds a misspelling."""
    branches = []
    typed_name = " ".join(typed.name_words)
    if len(typed_name) >= _MIN_TRIGRAM_TEXT:
        branches.append(_closest("name", typed_name, label=NAME, limit=limit))
    typed_address = " ".join(typed.address_words)
    if addresses and len(typed_address) >= _MIN_TRIGRAM_TEXT and not typed_address.isdigit():
        branches.append(_closest("address", typed_address, label=SERVICE_ADDRESS, limit=limit))
    return branches


def _alike_branches(typed: Typed, limit: int) -> list:
    """Without pg_trgm: the candidates for a misspelling, names whose words start as the typed
    words start and addresses at the typed house on a street starting alike (the first letters
    are seldom the mistake), more than the limit; `_alike` ranks them."""
    branches = []
    typed_name = " ".join(typed.name_words)
    if len(typed_name) >= _MIN_TRIGRAM_TEXT:
        starts = [word[:_ALIKE_LETTERS] for word in typed.name_words]
        branches.append(
            _words(
                typed_name,
                starts,
                limit=limit * _ALIKE_CANDIDATES,
                trigrams=False,
                tier=TEXT,
            )
        )
    words = typed.address_words
    if len(words) > 1 and words[0].isdigit():
        start = f"{words[0]} {words[1][:_ALIKE_LETTERS]}"
        branches.append(
            _prefix(
                "address",
                start,
                label=SERVICE_ADDRESS,
                limit=limit * _ALIKE_CANDIDATES,
                tier=TEXT,
            )
        )
    return branches


def _key_words(shown: str) -> list[str]:
    """A shown name or address as the document keeps its key: lower case, letters and digits."""
    return _WORD.findall(shown.lower())


def _alike(typed: Typed, rows: list[tuple]) -> list[tuple]:
    """The candidates that read like what was typed (difflib's ratio against as many of their
    words, a name in either order), each with its distance (1 - ratio), the unlike dropped."""
    kept = []
    for row in rows:
        label = row[7]
        typed_words = typed.name_words if label == NAME else typed.address_words
        words = _key_words(row[3] if label == NAME else row[4])
        orders = (words, words[::-1]) if label == NAME else (words,)
        typed_text = " ".join(typed_words)
        ratio = max(
            SequenceMatcher(None, typed_text, " ".join(order[: len(typed_words)])).ratio()
            for order in orders
        )
        if ratio >= _ALIKE_RATIO:
            kept.append((*row[:8], 1.0 - ratio, *row[9:]))
    return kept


def _run(branches: list, *, similarity: float | None = None) -> list[tuple]:
    """The branches' rows with each account's cached balance, in one statement (with the
    trigram similarity threshold of its `%` set for that statement's transaction alone)."""
    sql = " UNION ALL ".join(branch_sql for branch_sql, _ in branches)
    params = [param for _, branch_params in branches for param in branch_params]
    # One query string of two statements runs as one transaction, so SET LOCAL holds for the
    # search and ends with it (inside an atomic block, until that ends: every `%` sets its own).
    threshold = (
        f"SET LOCAL pg_trgm.similarity_threshold = {float(similarity)}; " if similarity else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{threshold}WITH hits AS ({sql}) SELECT hits.*, balance.balance FROM hits "
            "LEFT JOIN ledger_accountbalance balance ON balance.service_account_id = hits.account_id",
            params,
        )
        return cursor.fetchall()


_TRIGRAMS: dict[str, bool] = {}


def trigrams_available() -> bool:
    """Whether this database has pg_trgm (asked once per process and database)."""
    name = connection.settings_dict["NAME"]
    if name not in _TRIGRAMS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            _TRIGRAMS[name] = cursor.fetchone()[0]
    return _TRIGRAMS[name]


def _stages(typed: Typed, limit: int) -> tuple[list, list, list]:
    """The branches of the exact, the broader and the closest-spelling queries (each may be [])."""
    exact = _exact_branches(typed, limit) if typed.has_exact else []
    trigrams = trigrams_available()
    broad = _broad_branches(typed, limit, trigrams=trigrams)
    closest = _closest_branches(typed, limit) if trigrams else []
    return exact, broad, closest


def search_queries(typed: Typed, limit: int) -> list[list]:
    """The branches of each query a search may run, in order (the bench EXPLAINs them)."""
    return [branches for branches in _stages(typed, limit) if branches]


def _found_the_house(typed: Typed, rows: list[tuple]) -> bool:
    """A house number and street typed, and an address beginning with them found: the house
    the CSR asked for. Other houses spelt alike would only bury it (and at 1,000,000 accounts
    their trigram query, digits and short street words, is the search's dearest: 57 ms p95)."""
    words = typed.address_words
    return len(words) > 1 and words[0].isdigit() and any(row[7] == SERVICE_ADDRESS for row in rows)


def search_accounts(query: str, *, limit: int = 20) -> list[SearchHit]:
    """Accounts matching what a CSR typed, best first (one query for most searches; none for an
    empty box).

    An exact identifier answers alone. Otherwise the prefixes and the names' words; the closest
    spellings (the dearest query) are asked only when those found fewer accounts than the
    limit, since each of theirs would rank below every one found already: first the close ones
    (CLOSE_SIMILARITY), and the looser ones only when nothing at all was found.
    """
    typed = classify(query)
    exact, broad, closest = _stages(typed, limit)
    rows = _run(exact) if exact else []
    if not rows:
        rows = _run(broad) if broad else []
        if closest and _found_the_house(typed, rows):
            closest = _closest_branches(typed, limit, addresses=False)
        if closest and len({row[0] for row in rows}) < limit:
            closer = _run(closest, similarity=CLOSE_SIMILARITY)
            if not closer and not rows:
                closer = _run(closest, similarity=LOOSE_SIMILARITY)
            rows += closer
        if not rows and not trigrams_available():
            alike = _alike_branches(typed, limit)
            rows = _alike(typed, _run(alike)) if alike else []
    if not rows:
        return []

    # Best match per account: (tier, status rank, distance, number); every label matched.
    best: dict[int, tuple] = {}
    found: dict[int, tuple] = {}
    labels: dict[int, list[str]] = {}
    notes: dict[int, str] = {}
    for row in rows:
        account_id, number, _customer, _name, _address, status, tier, label, distance = row[:9]
        key = (tier, _STATUS_RANK.get(status, 9), distance, number)
        if account_id not in best or key < best[account_id]:
            best[account_id] = key
            found[account_id] = row
        if label not in labels.setdefault(account_id, []):
            labels[account_id].append(label)
        if tier == EXACT and label == ACCOUNT_NUMBER and typed.account_numbers.get(number):
            notes[account_id] = typed.account_numbers[number]
    status_labels = dict(ServiceAccount.Status.choices)
    hits = []
    for account_id in sorted(best, key=best.__getitem__)[:limit]:
        _id, number, customer_id, name, address, status, tier, _label, _distance, balance = found[
            account_id
        ]
        hits.append(
            SearchHit(
                account_id=account_id,
                account_number=format_account_number(number),
                customer_id=customer_id,
                customer_name=name,
                service_address=address,
                status=status,
                status_label=status_labels.get(status, status),
                balance=balance if balance is not None else ZERO,
                matched=", ".join(labels[account_id]),
                exact=tier == EXACT,
                note=notes.get(account_id, ""),
            )
        )
    return hits


def exact_match(hits: list[SearchHit]) -> SearchHit | None:
    """The one account a whole identifier names, when the search found exactly that."""
    exact = [hit for hit in hits if hit.exact and not hit.note]
    return exact[0] if len(exact) == 1 else None
