"""People and businesses of the demo district: names, languages, phones, emails, addresses.

Names reflect a Southern California inland city; languages follow the heritage of the name
(about a quarter of customers prefer Spanish). Phones are valid 10-digit US numbers in local
area codes; emails use the reserved example.* domains, so nothing reaches a real mailbox.
"""

import unicodedata
from datetime import date

from accounts.demo import words
from accounts.demo.plan import CustomerPlan
from accounts.demo.town import CITY, STATE

# Given names by surname (the first heritage to list it), so a spouse's name fits the family's.
_GIVEN_BY_SURNAME: dict[str, tuple[str, ...]] = {}
for _heritage in words.HERITAGES:
    for _surname in _heritage[2]:
        _GIVEN_BY_SURNAME.setdefault(_surname, _heritage[3])
_HERITAGE_CUMULATIVE = tuple(
    sum(heritage[1] for heritage in words.HERITAGES[: position + 1])
    for position in range(len(words.HERITAGES))
)


def ascii_word(text: str) -> str:
    """ "Muñoz" -> "munoz", "O'Brien" -> "obrien", "De la Cruz" -> "delacruz" (for emails)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in folded.lower() if char.isalnum())


class People:
    """Draws names, phones, emails and addresses from one random stream."""

    def __init__(self, rng):
        self.rng = rng

    # -- names

    def person(self) -> tuple[str, str, str]:
        """(first name, last name, preferred language)."""
        rng = self.rng
        _name, _share, surnames, given, languages = rng.weighted(
            words.HERITAGES, _HERITAGE_CUMULATIVE
        )
        language, roll = "en", rng.randrange(100)
        for code, percent in languages:
            if roll < percent:
                language = code
                break
        return rng.choice(given), rng.choice(surnames), language

    def owner_name(self, first: str, last: str) -> str:
        """The owner of record as the assessor prints it ("GARCIA MARIA", "LEE FAMILY TRUST")."""
        roll = self.rng.randrange(100)
        if roll < 15:
            return f"{last} FAMILY TRUST".upper()
        if roll < 35:
            spouse = self.rng.choice(_GIVEN_BY_SURNAME.get(last, words.ANGLO_GIVEN))
            return f"{last} {first} & {spouse}".upper()
        return f"{last} {first}".upper()

    def business(self) -> str:
        rng = self.rng
        trade = rng.choice(words.TRADES)
        roll = rng.randrange(100)
        if roll < 40:
            name = f"{self.person()[1]}'s {trade}" if roll < 15 else f"{self.person()[1]} {trade}"
        elif roll < 85:
            name = f"{rng.choice(words.BUSINESS_WORDS)} {trade}"
        else:
            name = f"{CITY} {trade}"
        return name + rng.choice(words.BUSINESS_SUFFIXES)

    def property_company(self) -> str:
        rng = self.rng
        if rng.randrange(100) < 50:
            return f"{rng.choice(words.BUSINESS_WORDS)} {rng.choice(words.PROPERTY_WORDS)} Apartments LLC"
        return f"{self.person()[1]} Properties LLC"

    def homeowners_association(self) -> str:
        rng = self.rng
        place = rng.choice(words.LOCAL_NAMES)
        return f"{place} {rng.choice(words.HOA_WORDS)} Homeowners Association"

    # -- contact details

    def phone(self) -> str:
        """A valid US number: area code from the region, exchange 200-999 (no N11), any line."""
        rng = self.rng
        exchange = rng.randrange(200, 1000)
        if exchange % 100 == 11:
            exchange += 1
        return f"{rng.choice(words.AREA_CODES)}{exchange}{rng.randrange(10000):04d}"

    def email(self, first: str, last: str) -> str:
        rng = self.rng
        first, last = ascii_word(first), ascii_word(last)
        pattern = rng.randrange(4)
        if pattern == 0:
            local = f"{first}.{last}"
        elif pattern == 1:
            local = f"{first[:1]}{last}{rng.randrange(10, 100)}"
        elif pattern == 2:
            local = f"{first}{last}{rng.randrange(1, 1000)}"
        else:
            local = f"{last}.{first}{rng.randrange(60, 100)}"
        return f"{local}@{rng.choice(words.EMAIL_DOMAINS)}"

    def business_email(self, name: str) -> str:
        slug = ascii_word(name.split(" LLC")[0].split(" Inc")[0])[:24] or "office"
        return f"{self.rng.choice(('billing', 'office', 'ap', 'info'))}@{slug}.example.com"

    def address_elsewhere(self) -> tuple[str, str, str, str, str]:
        """A mailing address away from the district: (line 1, line 2, city, state, ZIP)."""
        rng = self.rng
        city, state, zip_code = rng.choice(words.MAILING_ELSEWHERE)
        street = rng.choice(words.LOCAL_NAMES)
        suffix = rng.choice(("St", "Ave", "Dr", "Way", "Blvd", "Ln"))
        line2 = f"Ste {rng.randrange(100, 400)}" if rng.randrange(100) < 15 else ""
        return f"{rng.randrange(100, 20000)} {street} {suffix}", line2, city, state, zip_code

    def po_box(self, zip_code: str) -> tuple[str, str, str, str, str]:
        return f"PO Box {self.rng.randrange(100, 9999)}", "", CITY, STATE, zip_code

    # -- customers

    def person_customer(self, *, since: date, mailing, email_percent: int = 60) -> CustomerPlan:
        rng = self.rng
        first, last, language = self.person()
        return _customer_plan(
            mailing,
            kind="person",
            first_name=first,
            last_name=last,
            business_name="",
            phone=self.phone() if rng.randrange(100) < 92 else "",
            alternate_phone=self.phone() if rng.randrange(100) < 20 else "",
            email=self.email(first, last) if rng.randrange(100) < email_percent else "",
            language=language,
            since=since,
        )

    def business_customer(self, name: str, *, since: date, mailing) -> CustomerPlan:
        rng = self.rng
        roll = rng.randrange(100)
        language = "es" if roll < 7 else ("ko" if roll < 9 else ("vi" if roll < 11 else "en"))
        return _customer_plan(
            mailing,
            kind="business",
            first_name="",
            last_name="",
            business_name=name,
            phone=self.phone() if rng.randrange(100) < 97 else "",
            alternate_phone=self.phone() if rng.randrange(100) < 30 else "",
            email=self.business_email(name) if rng.randrange(100) < 80 else "",
            language=language,
            since=since,
        )


def _customer_plan(mailing, **fields) -> CustomerPlan:
    """A customer with the mailing address (line 1, line 2, city, state, ZIP) given."""
    line1, line2, city, state, zip_code = mailing
    return CustomerPlan(
        mailing_line1=line1,
        mailing_line2=line2,
        mailing_city=city,
        mailing_state=state,
        mailing_zip=zip_code,
        **fields,
    )
