"""The town's layout: a street grid of blocks, tracts and parcels, and the premises on them.

Blocks sit between east-west streets (rows) and north-south avenues (columns); every eighth
line is an arterial. A meter reader walks around each block, and the blocks in a serpentine
order, so premise order is read order. House numbers follow the grid (100 per block, odd on
one side, even on the other), the way most California valley towns number their streets.
"""

import math
from datetime import date, timedelta
from decimal import Decimal

from accounts.demo import words
from accounts.demo.plan import PremisePlan

CITY = "Mesa Verde"
STATE = "CA"
# The town centre in micro-degrees (34.052000 N, 117.186000 W): integers, never floats.
CENTRE_LATITUDE = 34_052_000
CENTRE_LONGITUDE = -117_186_000
MICRO_DEGREES_PER_METRE_NORTH = 9  # 1 m ~ 9.0e-6 degrees of latitude
MICRO_DEGREES_PER_METRE_EAST_X100 = 1084  # 1 m ~ 10.84e-6 degrees of longitude at 34 N
BLOCK_WIDTH_M = 160
BLOCK_HEIGHT_M = 120
LOTS_ON_STREET_FACE = 8  # lots along each east-west face of a block
LOTS_ON_AVENUE_FACE = 2  # corner lots facing the avenues
ARTERIAL_EVERY = 8
ZIP_CODES = ("92373", "92374", "92375", "92376", "92377", "92378")  # 3 across x 2 down

# What a lot holds, with its weight per 10,000 lots. Condo lots hold 2-4 individually metered
# homes and strip centres 2-6 shops, so premises come out ~85% single-family, ~7% multi-family,
# ~5% commercial and ~3% irrigation.
SINGLE_FAMILY, CONDOS, MULTI_FAMILY, SHOP, STRIP_CENTRE, IRRIGATION = range(6)
LOT_KINDS = (SINGLE_FAMILY, CONDOS, MULTI_FAMILY, SHOP, STRIP_CENTRE, IRRIGATION)
LOT_CUMULATIVE_WEIGHTS = tuple(
    sum((8000, 167, 700, 300, 57, 300)[: position + 1]) for position in range(6)
)
PREMISE_TYPE = {
    SINGLE_FAMILY: "single_family",
    CONDOS: "single_family",
    MULTI_FAMILY: "multi_family",
    SHOP: "commercial",
    STRIP_CENTRE: "commercial",
    IRRIGATION: "irrigation",
}

READS_PER_DAY = 700  # premises a route's readers cover a day
PREMISES_PER_ROUTE = 2500
PARCELS_PER_PAGE = 40
PAGES_PER_BOOK = 60


def micro_degrees_text(value: int) -> str:
    """-117186000 -> "-117.186000" (exact: built from an integer)."""
    return str(Decimal(value).scaleb(-6))


class _StreetNames:
    """Unique street names, drawn without replacement from the word lists."""

    def __init__(self, rng):
        self._rng = rng
        self._arterials = list(words.ARTERIAL_NAMES)
        self._locals = list(words.LOCAL_NAMES)
        rng.shuffle(self._arterials)
        rng.shuffle(self._locals)
        self._rows: dict[int, str] = {}
        self._columns: dict[int, str] = {}
        self._numbered = 0

    def _draw(self, pool: list[str], suffixes: tuple[str, ...]) -> str:
        if pool:
            return f"{pool.pop()} {self._rng.choice(suffixes)}"
        # A very large district runs out of names: numbered streets take over.
        self._numbered += 1
        return f"{_ordinal(self._numbered)} {self._rng.choice(suffixes)}"

    def row(self, j: int) -> str:
        if j not in self._rows:
            if j % ARTERIAL_EVERY == ARTERIAL_EVERY // 2:
                name = self._draw(self._arterials, words.ARTERIAL_SUFFIXES)
            else:
                name = self._draw(self._locals, words.LOCAL_EAST_WEST_SUFFIXES)
            self._rows[j] = name
        return self._rows[j]

    def column(self, i: int) -> str:
        if i not in self._columns:
            if i % ARTERIAL_EVERY == ARTERIAL_EVERY // 2:
                name = self._draw(self._arterials, words.ARTERIAL_SUFFIXES)
            else:
                name = self._draw(self._locals, words.LOCAL_NORTH_SOUTH_SUFFIXES)
            self._columns[i] = name
        return self._columns[i]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _block_lots(i: int, j: int, names: _StreetNames):
    """The lots around block (i, j) in walking order: (street, number, cross street, x, y)."""
    west, south = i * BLOCK_WIDTH_M, j * BLOCK_HEIGHT_M
    step = BLOCK_WIDTH_M // (LOTS_ON_STREET_FACE + 1)
    # South face, west to east: the north side of row j's street, odd numbers.
    for k in range(LOTS_ON_STREET_FACE):
        cross = names.column(i if k < LOTS_ON_STREET_FACE // 2 else i + 1)
        yield names.row(j), 100 * (i + 11) + 1 + 4 * k, cross, west + step * (k + 1), south + 12
    # East face, south to north: the west side of column i+1's avenue, even numbers.
    for k in range(LOTS_ON_AVENUE_FACE):
        cross = names.row(j if k == 0 else j + 1)
        yield (
            names.column(i + 1),
            100 * (j + 11) + 2 + 40 * k,
            cross,
            west + 148,
            south + 30 + 60 * k,
        )
    # North face, east to west: the south side of row j+1's street, even numbers.
    for k in reversed(range(LOTS_ON_STREET_FACE)):
        cross = names.column(i if k < LOTS_ON_STREET_FACE // 2 else i + 1)
        y = south + BLOCK_HEIGHT_M - 12
        yield names.row(j + 1), 100 * (i + 11) + 2 + 4 * k, cross, west + step * (k + 1), y
    # West face, north to south: the east side of column i's avenue, odd numbers.
    for k in reversed(range(LOTS_ON_AVENUE_FACE)):
        cross = names.row(j if k == 0 else j + 1)
        yield names.column(i), 100 * (j + 11) + 1 + 40 * k, cross, west + 12, south + 30 + 60 * k


def _dwelling_units(rng) -> int:
    roll = rng.randrange(100)
    if roll < 30:
        return 2
    if roll < 45:
        return 3
    if roll < 65:
        return 4
    if roll < 85:
        return rng.randint(5, 12)
    return rng.randint(13, 40)


class _Parcels:
    """Assessor parcel numbers book-page-parcel (ddd-ddd-dd); each tract starts a new page."""

    def __init__(self, rng):
        self.book = rng.randrange(120, 400)
        self.page = 0
        self.parcel = PARCELS_PER_PAGE

    def new_page(self) -> None:
        self.page += 1
        self.parcel = 0
        if self.page > PAGES_PER_BOOK:
            self.book, self.page = self.book + 1, 1

    def next(self) -> tuple[str, str, str]:
        if self.parcel >= PARCELS_PER_PAGE:
            self.new_page()
        self.parcel += 1
        book, page = f"{self.book:03d}", f"{self.page:03d}"
        return f"{book}-{page}-{self.parcel:02d}", book, page


def lay_out(rng, *, premises: int, as_of: date, history_start: date) -> list[PremisePlan]:
    """`premises` premises on a street grid, in read order, with routes and billing cycles."""
    blocks_needed = math.ceil(premises / 19)
    columns = max(2, math.isqrt(blocks_needed) + 1)
    rows = max(1, math.ceil(blocks_needed / columns))
    names = _StreetNames(rng)
    parcels = _Parcels(rng)
    tract_number = rng.randrange(10000, 12000)
    plans: list[PremisePlan] = []
    tract_blocks_left, lot_number, built_on, tract = 0, 0, as_of, ""
    block = 0
    while len(plans) < premises:
        j, column = divmod(block, columns)
        i = column if j % 2 == 0 else columns - 1 - column
        block += 1
        if tract_blocks_left == 0:
            tract_number += rng.randrange(3, 40)
            tract, lot_number = f"TR-{tract_number}", 0
            tract_blocks_left = rng.randint(3, 10)
            built_on = _tract_built_on(rng, i, j, columns, rows, as_of, history_start)
            parcels.new_page()
        tract_blocks_left -= 1
        zip_code = ZIP_CODES[min(2, 3 * i // columns) + (3 if 2 * j >= rows else 0)]
        for street, number, cross, x, y in _block_lots(i, j, names):
            if len(plans) >= premises:
                break
            lot_number += 1
            kind = rng.weighted(LOT_KINDS, LOT_CUMULATIVE_WEIGHTS)
            latitude = CENTRE_LATITUDE + (y - rows * BLOCK_HEIGHT_M // 2) * (
                MICRO_DEGREES_PER_METRE_NORTH
            )
            longitude = CENTRE_LONGITUDE + (
                (x - columns * BLOCK_WIDTH_M // 2) * MICRO_DEGREES_PER_METRE_EAST_X100 // 100
            )
            apn, book, page = parcels.next()
            units = [""]
            if kind == CONDOS:
                units = ["A", "B", "C", "D"][: rng.randint(2, 4)]
            elif kind == STRIP_CENTRE:
                units = [str(101 + n) for n in range(rng.randint(2, 6))]
            for position, unit in enumerate(units):
                if len(plans) >= premises:
                    break
                if kind == CONDOS and position:
                    apn, book, page = parcels.next()  # each condo is its own parcel
                plans.append(
                    PremisePlan(
                        house_number=str(number),
                        street=street,
                        unit=unit,
                        zip_code=zip_code,
                        cross_street=cross,
                        apn=apn,
                        tract=tract,
                        lot=str(lot_number),
                        map_book=book,
                        map_page=page,
                        # A few metres between units; coordinates stay exact integers.
                        latitude=micro_degrees_text(latitude + 20 * position),
                        longitude=micro_degrees_text(longitude + rng.randrange(-30, 31)),
                        premise_type=PREMISE_TYPE[kind],
                        dwelling_units=_dwelling_units(rng) if kind == MULTI_FAMILY else 1,
                        built_on=built_on,
                    )
                )
    _assign_routes(plans)
    return plans


def _tract_built_on(rng, i, j, columns, rows, as_of, history_start) -> date:
    """Older tracts near the centre, newer ones at the edge; a few edge tracts are being built
    during the history (their meters and first accounts start inside it)."""
    dx, dy = 2 * i - columns, 2 * j - rows
    distance = math.isqrt(dx * dx + dy * dy) * 100 // max(1, math.isqrt(columns**2 + rows**2))
    history_days = (as_of - history_start).days
    if distance > 85 and rng.randrange(100) < 30 and history_days > 240:
        return history_start + timedelta(days=rng.randrange(history_days - 120))
    year = min(as_of.year - 3, 1948 + distance * 70 // 100 + rng.randint(-4, 4))
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


def _assign_routes(plans: list[PremisePlan]) -> None:
    """Contiguous routes of about 2,500 premises (40 for 100,000), two routes per billing cycle.

    One cycle in four (the second of each four) is read and billed every two months.
    """
    count = len(plans)
    routes = max(1, min(count, 99, max(4, round(count / PREMISES_PER_ROUTE))))
    per_route = math.ceil(count / routes)
    for index, premise in enumerate(plans):
        route, position = divmod(index, per_route)
        cycle = route // 2
        premise.route = f"{route + 1:02d}"
        premise.read_sequence = (position + 1) * 10
        premise.read_day_offset = position // READS_PER_DAY
        premise.billing_cycle = f"{cycle + 1:02d}"
        premise.billing_frequency = "bimonthly" if cycle % 4 == 1 else "monthly"
