"""The demo district as plain Python records, planned before anything is written.

Planning first lets the loader count every table, reserve exact id ranges and write foreign
keys in one pass. Database ids start at 0 ("not assigned yet") and are filled by the loader.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class CustomerPlan:
    kind: str  # "person" or "business"
    first_name: str
    last_name: str
    business_name: str
    phone: str
    alternate_phone: str
    email: str
    mailing_line1: str
    mailing_line2: str
    mailing_city: str
    mailing_state: str
    mailing_zip: str
    language: str
    since: date  # start of the customer's first account (its created_at)
    id: int = 0


@dataclass(slots=True)
class AccountPlan:
    customer: CustomerPlan
    start_date: date
    end_date: date | None
    status: str
    is_owner: bool
    paperless: bool
    # Usage of this occupant in cubic feet per 30 days, before the season and the weather.
    monthly_cubic_feet: int
    number: str = ""
    id: int = 0
    # Opening balance in cents (debit > 0 owed, credit < 0) and the date it is aged from.
    balance_cents: int = 0
    balance_date: date | None = None


@dataclass(slots=True)
class MeterPlan:
    serial: str
    make: str
    model: str
    size: str
    unit: str  # "hcf", "cf" or "gal"
    installed_on: date
    removed_on: date | None
    dials: int = 0  # fixed once the reads are known, so the register never rolls over
    removal_reading: int | None = None  # register units, known after the reads
    id: int = 0


@dataclass(slots=True)
class PremisePlan:
    house_number: str
    street: str
    unit: str
    zip_code: str
    cross_street: str
    apn: str
    tract: str
    lot: str
    map_book: str
    map_page: str
    latitude: str  # decimal text built from integer micro-degrees (never a float)
    longitude: str
    premise_type: str
    dwelling_units: int
    built_on: date
    route: str = ""
    read_sequence: int = 0
    read_day_offset: int = 0  # business days after the cycle's first read day
    billing_cycle: str = ""
    billing_frequency: str = ""
    meter_location_notes: str = ""
    owner_name: str = ""
    owner_mailing_address: str = ""
    size: str = ""
    meters: list[MeterPlan] = field(default_factory=list)  # oldest first; the last is current
    accounts: list[AccountPlan] = field(default_factory=list)  # oldest first; the last is active
    # (first day, last day, extra cubic feet a day) of each leak in the history.
    leaks: list[tuple[int, int, int]] = field(default_factory=list)  # ordinal days
    # (first day, last day) when nobody used water though the account stayed open.
    idle: list[tuple[int, int]] = field(default_factory=list)  # ordinal days
    id: int = 0

    @property
    def address_line(self) -> str:
        return f"{self.house_number} {self.street}" + (f" #{self.unit}" if self.unit else "")


@dataclass(slots=True)
class DistrictPlan:
    seed: int
    as_of: date
    history_start: date
    premises: list[PremisePlan]
    customers: list[CustomerPlan]  # each once, in the order their first account opened
    accounts: list[AccountPlan]  # in account-number order (oldest start first)
