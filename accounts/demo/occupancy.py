"""Who lives and works at each premise, through which meter, and what they owe.

For every premise: its meter size and meters (an old one exchanged during the history now and
then), the accounts of its occupants (earlier ones final or closed, the last one active), each
occupant's typical use, the leaks and idle spells of the history, and each account's opening
balance. Reads are not made here (see reads.py); this is the skeleton they hang on.
"""

from datetime import date, timedelta

from accounts.demo import words
from accounts.demo.people import People
from accounts.demo.plan import AccountPlan, CustomerPlan, DistrictPlan, MeterPlan, PremisePlan
from accounts.demo.town import CITY, STATE, ZIP_CODES
from accounts.numbers import with_check_digit

FIRST_ACCOUNT_NUMBER = 1_000_001  # where accounts_account_number_seq starts

# Meter sizes by premise type, weights per mille.
SIZES = {
    "single_family": (("5/8", 550), ("3/4", 350), ("1", 100)),
    "commercial": (
        ("3/4", 150),
        ("1", 350),
        ("1-1/2", 250),
        ("2", 200),
        ("3", 30),
        ("4", 15),
        ("6", 5),
    ),
    "irrigation": (("1", 250), ("1-1/2", 350), ("2", 350), ("3", 50)),
}
# Median use in cubic feet per 30 days, by meter size.
COMMERCIAL_USE = {
    "3/4": 1200,
    "1": 2500,
    "1-1/2": 6000,
    "2": 12000,
    "3": 30000,
    "4": 60000,
    "6": 120000,
}
IRRIGATION_USE = {"1": 3000, "1-1/2": 8000, "2": 15000, "3": 35000}
CUSTOMER_CLASS = {
    "single_family": "residential",
    "multi_family": "multi_family",
    "commercial": "commercial",
    "irrigation": "irrigation",
}
# Monthly fixed charge by meter size and the volumetric rate, in cents (for opening balances).
FIXED_CHARGE_CENTS = {
    "5/8": 2850,
    "3/4": 3620,
    "1": 5210,
    "1-1/2": 9840,
    "2": 15230,
    "3": 31000,
    "4": 48000,
    "6": 94000,
}
CENTS_PER_HCF = 460
# Chance in percent, per year of history, that the occupant moves out: (owner, tenant).
MOVE_PERCENT = {
    "single_family": (6, 22),
    "multi_family": (3, 5),
    "commercial": (8, 14),
    "irrigation": (1, 1),
}
# Share of premises whose occupant owns them, in percent.
OWNER_PERCENT = {"single_family": 62, "multi_family": 85, "commercial": 25, "irrigation": 100}
# Chance in percent, per year of history, of a leak.
LEAK_PERCENT = {"single_family": 3, "multi_family": 4, "commercial": 3, "irrigation": 6}
LEAK_CUBIC_FEET_A_DAY = {
    "single_family": (15, 120),
    "multi_family": (30, 200),
    "commercial": (30, 250),
    "irrigation": (100, 800),
}
# Share of premises in percent left empty by a recent move-out: where a trainer starts service.
VACANT_PERCENT = {"single_family": 5, "multi_family": 0, "commercial": 10, "irrigation": 0}
FINAL_WITHIN_DAYS = 90  # a moved-out account stays "final" until its final bill is settled
NEW_GENERATION_FROM = 2016  # meters installed since are of the current models


def _pick(rng, weighted) -> str:
    roll, total = rng.randrange(sum(weight for _value, weight in weighted)), 0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    raise AssertionError("unreachable")


def _size(rng, premise: PremisePlan) -> str:
    if premise.premise_type == "multi_family":
        units = premise.dwelling_units
        return "1" if units <= 4 else "1-1/2" if units <= 12 else "2" if units <= 24 else "3"
    return _pick(rng, SIZES[premise.premise_type])


def _monthly_use(rng, premise: PremisePlan) -> int:
    """An occupant's typical use in cubic feet per 30 days (12 HCF for a median home)."""
    kind, size = premise.premise_type, premise.size
    if kind == "single_family":
        use = 500 + rng.randrange(700) + rng.randrange(700) + rng.randrange(700)
        if rng.randrange(100) < 5:
            use += rng.randrange(1500, 4000)  # big lot, pool, many people
        return use * 13 // 10 if size == "1" else use
    if kind == "multi_family":
        return premise.dwelling_units * (350 + rng.randrange(250))
    base = COMMERCIAL_USE[size] if kind == "commercial" else IRRIGATION_USE[size]
    return base * rng.randrange(50, 150) // 100


class _Meters:
    """Meters with unique serials (make prefix, year made, a running number)."""

    def __init__(self, rng):
        self.rng = rng
        self.counter = rng.randrange(100_000, 200_000)

    def make(self, size: str, installed_on: date) -> MeterPlan:
        rng = self.rng
        older, newer = words.METER_MODELS[size]
        make, model = rng.choice(
            newer if installed_on.year >= NEW_GENERATION_FROM else older
        ).split("/")
        roll = rng.randrange(100)
        unit = "hcf" if roll < 92 else ("cf" if roll < 97 else "gal")
        self.counter += rng.randint(1, 9)
        made = (installed_on.year - rng.randrange(2)) % 100
        return MeterPlan(
            serial=f"{words.SERIAL_PREFIXES[make]}{made:02d}{self.counter:07d}",
            make=make,
            model=model,
            size=size,
            unit=unit,
            installed_on=installed_on,
            removed_on=None,
        )


class Planner:
    """Plans meters, occupants and balances premise by premise, from one random stream."""

    def __init__(self, rng, *, as_of: date, history_start: date, years: int):
        self.rng = rng
        self.people = People(rng)
        self.meters = _Meters(rng)
        self.as_of, self.history_start, self.years = as_of, history_start, years
        self.history_days = (as_of - history_start).days
        self.city_parks = self._organisation(
            words.CITY_PARKS, ("300 Civic Center Dr", ZIP_CODES[0])
        )
        self.schools = self._organisation(words.SCHOOL_DISTRICT, ("25 Education Way", ZIP_CODES[1]))
        self.hoa_by_tract: dict[str, CustomerPlan] = {}
        self.owner_by_apn: dict[str, tuple[str, str]] = {}
        self.property_companies: list[CustomerPlan] = []
        # Percent, carried premise to premise.
        self.vacancy_share = dict.fromkeys(VACANT_PERCENT, 50)

    def _organisation(self, name: str, address: tuple[str, str]) -> CustomerPlan:
        line1, zip_code = address
        customer = self.people.business_customer(
            name, since=date.max, mailing=(line1, "", CITY, STATE, zip_code)
        )
        customer.language = "en"
        return customer

    # -- meters

    def plan_meters(self, premise: PremisePlan) -> None:
        rng, start = self.rng, self.history_start
        premise.size = _size(rng, premise)
        where = "home" if premise.premise_type == "single_family" else "building"
        premise.meter_location_notes = rng.choice(words.METER_LOCATIONS[where])
        if premise.built_on >= start:  # new construction: the meter is set during the history
            premise.meters.append(self.meters.make(premise.size, premise.built_on))
            return
        earliest = max(premise.built_on, start - timedelta(days=20 * 365))
        span = max(1, (start - timedelta(days=30) - earliest).days)
        meter = self.meters.make(premise.size, earliest + timedelta(days=rng.randrange(span)))
        premise.meters.append(meter)
        # Old meters are exchanged more often (5% a year against 1%).
        percent = 5 if (start - meter.installed_on).days > 12 * 365 else 1
        if rng.randrange(100) < percent * self.years and self.history_days > 60:
            exchanged_on = start + timedelta(days=rng.randrange(20, self.history_days - 5))
            meter.removed_on = exchanged_on
            premise.meters.append(self.meters.make(premise.size, exchanged_on))

    # -- occupants

    def _tenures(self, premise: PremisePlan, owners: bool) -> list[tuple[date, date | None]]:
        """(start, end) of each occupant, oldest first; the last one has no end.

        Owners stay longer (up to 25 years in) and move less often than tenants (up to 6).
        """
        rng, start, as_of = self.rng, self.history_start, self.as_of
        if premise.built_on >= start:
            first = min(as_of, premise.built_on + timedelta(days=rng.randrange(7, 45)))
        else:
            days_in = rng.randrange(30, (25 if owners else 6) * 365)
            first = max(premise.built_on + timedelta(days=14), start - timedelta(days=days_in))
        move_percent = MOVE_PERCENT[premise.premise_type][0 if owners else 1]
        move_outs = sorted(
            start + timedelta(days=rng.randrange(365 * year, 365 * (year + 1)))
            for year in range(self.years)
            if rng.randrange(100) < move_percent
        )
        tenures, current = [], first
        for moved_out in move_outs:
            roll = rng.randrange(100)
            vacancy = (
                0 if roll < 55 else rng.randrange(1, 21) if roll < 85 else rng.randrange(21, 90)
            )
            moved_in = moved_out + timedelta(days=vacancy)
            if moved_out <= current + timedelta(days=45) or moved_in > as_of - timedelta(days=3):
                continue
            tenures.append((current, moved_out))
            current = moved_in
        # Now and then the last occupant moved out lately and nobody has moved in yet.
        vacated = self.as_of - timedelta(days=rng.randrange(10, 80))
        # A running share rather than a roll: even a small district has an empty premise.
        self.vacancy_share[premise.premise_type] += VACANT_PERCENT[premise.premise_type]
        if (
            self.vacancy_share[premise.premise_type] >= 100
            and current + timedelta(days=45) < vacated
        ):
            self.vacancy_share[premise.premise_type] -= 100
            tenures.append((current, vacated))
        else:
            tenures.append((current, None))
        # A quarter of older premises also keep the closed account of an earlier occupant.
        if (first - premise.built_on).days > 800 and rng.randrange(100) < 25:
            earlier = max(
                premise.built_on + timedelta(days=14),
                first - timedelta(days=rng.randrange(400, 12 * 365)),
            )
            ended = max(earlier, first - timedelta(days=rng.randrange(0, 20)))
            tenures.insert(0, (earlier, ended))
        return tenures

    def _status(self, end: date | None) -> str:
        if end is None:
            return "active"
        return "final" if (self.as_of - end).days <= FINAL_WITHIN_DAYS else "closed"

    def _service_address(self, premise: PremisePlan):
        unit = f"#{premise.unit}" if premise.unit else ""
        return f"{premise.house_number} {premise.street}", unit, CITY, STATE, premise.zip_code

    def _person_mailing(self, premise: PremisePlan, *, moved_away: bool):
        roll = self.rng.randrange(100)
        if moved_away and roll < 60:
            return self.people.address_elsewhere()  # a forwarding address
        if roll < 5:
            return self.people.po_box(premise.zip_code)
        return self._service_address(premise)

    def _occupant(self, premise: PremisePlan, start: date, end: date | None) -> CustomerPlan:
        kind, people = premise.premise_type, self.people
        if kind == "single_family":
            mailing = self._person_mailing(premise, moved_away=end is not None)
            return people.person_customer(since=start, mailing=mailing)
        if kind == "commercial":
            return people.business_customer(
                people.business(), since=start, mailing=self._service_address(premise)
            )
        if kind == "multi_family":
            # Landlords (about three buildings each) hold the master-metered accounts.
            if not self.property_companies or self.rng.randrange(100) < 30:
                company = people.business_customer(
                    people.property_company(), since=start, mailing=people.address_elsewhere()
                )
                self.property_companies.append(company)
                return company
            return self.rng.choice(self.property_companies)
        roll = self.rng.randrange(100)
        if roll < 30:
            return self.city_parks
        if roll < 45:
            return self.schools
        if roll < 85:
            if premise.tract not in self.hoa_by_tract:
                self.hoa_by_tract[premise.tract] = people.business_customer(
                    people.homeowners_association(), since=start, mailing=people.address_elsewhere()
                )
            return self.hoa_by_tract[premise.tract]
        return people.business_customer(
            people.business(), since=start, mailing=self._service_address(premise)
        )

    def _owner_of_record(
        self, premise: PremisePlan, owner_occupied: bool, current: CustomerPlan
    ) -> None:
        people, rng = self.people, self.rng
        if premise.apn in self.owner_by_apn:  # suites of one strip centre share the parcel's owner
            premise.owner_name, premise.owner_mailing_address = self.owner_by_apn[premise.apn]
            return
        if owner_occupied and current.kind == "person":
            name = people.owner_name(current.first_name, current.last_name)
            line1, line2, city, state, zip_code = self._service_address(premise)
        elif owner_occupied:  # a business or public agency: the assessor mails its office
            name = current.business_name.upper()
            line1, line2, city = current.mailing_line1, current.mailing_line2, current.mailing_city
            state, zip_code = current.mailing_state, current.mailing_zip
        else:
            if rng.randrange(100) < 30:
                name = rng.choice(words.OWNER_COMPANIES)
            else:
                first, last, _language = people.person()
                name = people.owner_name(first, last)
            line1, line2, city, state, zip_code = people.address_elsewhere()
        lines = [line1, line2, f"{city}, {state} {zip_code}"]
        premise.owner_name = name
        premise.owner_mailing_address = "\n".join(line for line in lines if line)
        self.owner_by_apn[premise.apn] = (premise.owner_name, premise.owner_mailing_address)

    def plan_accounts(self, premise: PremisePlan) -> None:
        rng, kind = self.rng, premise.premise_type
        owner_occupied = rng.randrange(100) < OWNER_PERCENT[kind]
        for start, end in self._tenures(premise, owner_occupied):
            customer = self._occupant(premise, start, end)
            customer.since = min(customer.since, start)
            premise.accounts.append(
                AccountPlan(
                    customer=customer,
                    start_date=start,
                    end_date=end,
                    status=self._status(end),
                    is_owner=owner_occupied,
                    paperless=bool(customer.email) and rng.randrange(100) < 35,
                    monthly_cubic_feet=_monthly_use(rng, premise),
                )
            )
        self._owner_of_record(premise, owner_occupied, premise.accounts[-1].customer)

    # -- leaks, idle spells, balances

    def plan_events(self, premise: PremisePlan) -> None:
        rng, kind = self.rng, premise.premise_type
        first_day = self.history_start.toordinal()
        if self.history_days < 60:
            return
        for _year in range(self.years):
            if rng.randrange(100) < LEAK_PERCENT[kind]:
                begins = first_day + rng.randrange(self.history_days - 30)
                low, high = LEAK_CUBIC_FEET_A_DAY[kind]
                premise.leaks.append(
                    (begins, begins + rng.randrange(20, 100), rng.randrange(low, high))
                )
        if kind == "single_family" and rng.randrange(1000) < 15:  # away for a season, service on
            begins = first_day + rng.randrange(self.history_days - 30)
            premise.idle.append((begins, begins + rng.randrange(90, 240)))

    def plan_balance(self, premise: PremisePlan, account: AccountPlan) -> None:
        """Opening balance: what each account owed when the district converted to this system.

        An active account opened before the history carries its balance from the day before the
        history starts (its bills since come from bill runs); most owe the current bill, some
        are paid up or in credit. A moved-out account owes (or is owed) its final bill.
        """
        rng, as_of = self.rng, self.as_of
        periods = 2 if premise.billing_frequency == "bimonthly" else 1
        bill = periods * (
            FIXED_CHARGE_CENTS[premise.size] + account.monthly_cubic_feet * CENTS_PER_HCF // 100
        )
        if account.status == "closed":
            return
        if account.status == "final":
            if rng.randrange(100) < 75:
                account.balance_cents = bill * rng.randrange(60, 110) // 100
            else:
                account.balance_cents = -rng.randrange(2000, 15000)  # deposit to refund
            account.balance_date = min(
                as_of, account.end_date + timedelta(days=rng.randrange(3, 15))
            )
            return
        roll = rng.randrange(100)
        conversion = self.history_start - timedelta(days=1)
        if roll < 22 or account.start_date > conversion:
            return  # paid up, or opened in the new system
        if roll < 84:
            amount = bill * rng.randrange(85, 116) // 100
        elif roll < 90:
            amount = -rng.randrange(500, 12000)
        else:
            amount = 2 * bill * rng.randrange(90, 111) // 100
        account.balance_cents = amount
        account.balance_date = conversion


def plan_occupancy(
    rng, premises: list[PremisePlan], *, seed: int, as_of: date, history_start: date, years: int
) -> DistrictPlan:
    """Fill in meters, accounts and events of every premise; number the accounts."""
    planner = Planner(rng, as_of=as_of, history_start=history_start, years=years)
    ordered = []
    for index, premise in enumerate(premises):
        planner.plan_meters(premise)
        planner.plan_accounts(premise)
        planner.plan_events(premise)
        for position, account in enumerate(premise.accounts):
            planner.plan_balance(premise, account)
            ordered.append((account.start_date, index, position, account))
    # Numbers were handed out as accounts opened: the oldest account has the lowest number.
    # Now and then a number was voided, so the sequence has small gaps.
    ordered.sort(key=lambda item: item[:3])
    accounts, customers, seen = [], [], set()
    base = FIRST_ACCOUNT_NUMBER
    for _start, _index, _position, account in ordered:
        account.number = with_check_digit(str(base))
        base += 2 if rng.randrange(100) < 3 else 1
        accounts.append(account)
        if id(account.customer) not in seen:  # identity, only to skip repeats: order is the list's
            seen.add(id(account.customer))
            customers.append(account.customer)
    return DistrictPlan(
        seed=seed,
        as_of=as_of,
        history_start=history_start,
        premises=premises,
        customers=customers,
        accounts=accounts,
    )
