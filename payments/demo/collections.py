"""The demo district's collections, replayed with its history: the nightly ladder runs on each of
the last weeks' workdays (as the beat would), a clerk calls the customers noticed two days
before (some answer, some do not), and the day after the history a shut-off list waits for the
supervisor's approval. Deterministic: who answers depends on the account number."""

import datetime
import zlib

from billing.collections.models import DisconnectionNotice, PhoneAttempt
from billing.collections.run import collections_run
from billing.collections.services import phone_attempt_record
from billing.shutoffs.services import shutoff_list_prepare
from district.business_days import add_business_days
from district.errors import ServiceError
from district.services import nightly_user

# The ladder's nights replayed: enough for a bill to pass 60 days delinquent, a notice, its
# 7 business days and a door hanger.
COLLECTIONS_DAYS = 100
OUTCOMES = (
    PhoneAttempt.Outcome.REACHED,
    PhoneAttempt.Outcome.NO_ANSWER,
    PhoneAttempt.Outcome.LEFT_MESSAGE,
    PhoneAttempt.Outcome.NO_ANSWER,
)


class DemoCollections:
    def __init__(self, *, today: datetime.date, staff: dict):
        self.today = today
        self.staff = staff
        self.nightly = nightly_user()
        self.notices = 0
        self.calls = 0

    def replays(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and (self.today - day).days <= COLLECTIONS_DAYS

    def night(self, day: datetime.date, clock) -> None:
        """The ladder's night, then the calls of the day (before the counter opens)."""
        clock.set(day, hour=6, minute=30)
        collections_run(day, by=self.nightly)
        clock.set(day, hour=8, minute=15)
        called_on = day - datetime.timedelta(days=2)
        for notice in (
            DisconnectionNotice.objects.filter(issued_on=called_on)
            .select_related("account__customer")
            .order_by("account__number")
        ):
            account = notice.account
            outcome = OUTCOMES[zlib.crc32(account.number.encode()) % len(OUTCOMES)]
            if not account.customer.phone:
                outcome = PhoneAttempt.Outcome.NO_PHONE
            phone_attempt_record(
                account=account,
                outcome=outcome,
                by=self.staff["csr"],
                phone=account.customer.phone,
                notes="Called about the shut-off notice.",
            )
            self.calls += 1
        self.notices = DisconnectionNotice.objects.count()

    def prepare_list(self, clock) -> str:
        """The next workday's shut-off list, prepared for the supervisor to approve."""
        day = add_business_days(self.today, 1)
        clock.set(self.today, hour=16)
        try:
            shutoff_list = shutoff_list_prepare(on=day, by=self.staff["lead"])
        except ServiceError as refusal:
            return f"no shut-off list for {day:%m/%d/%Y}: {' '.join(refusal.messages)}"
        listed = shutoff_list.entries.filter(status="listed").count()
        return f"shut-off list for {day:%m/%d/%Y}: {listed:,} accounts listed, to approve"

    def report(self) -> str:
        return f"  collections: {self.notices:,} shut-off notices, {self.calls:,} calls"
