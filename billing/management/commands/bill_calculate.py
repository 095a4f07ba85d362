"""Price a bill from a rate schedule file: every line and the total (the same engine as bill runs).

    manage.py bill_calculate --rates docs/examples/district-water.yaml --class residential \
        --meter-size 5/8 --consumption 25 --from 2025-07-01 --to 2025-07-30 [--json]

Give --rates twice (an old and a new file) to price a bill that spans the rate change: each
file prices the days from its effective date on. Bad input: a message and exit status 1.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from billing.rates import calculate, calculate_across_versions, parse_schedule
from billing.rates.proration import rate_text


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date: write it YYYY-MM-DD.") from None


def _number(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{option}: “{text}” is not a number.") from None


# The calculation's field names where this command's options are spelt otherwise.
OPTION_OF_FIELD = {
    "customer_class": "--class",
    "consumption_unit": "--unit",
    "period_start": "--from",
    "period_end": "--to",
}


def _message(error: ValidationError) -> str:
    """The calculation's refusal, each message under the option the operator typed."""
    if hasattr(error, "error_dict"):
        return "\n".join(
            f"{OPTION_OF_FIELD.get(field, '--' + field.replace('_', '-'))}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return "\n".join(error.messages)


class Command(BaseCommand):
    help = "Price a bill from a rate schedule file and print every line and the total."

    def add_arguments(self, parser):
        parser.add_argument("--rates", action="append", required=True, metavar="FILE")
        parser.add_argument("--class", dest="customer_class", required=True)
        parser.add_argument("--meter-size", required=True)
        parser.add_argument("--consumption", required=True)
        parser.add_argument("--unit", help="unit of --consumption (default: the schedule's)")
        parser.add_argument("--from", dest="period_start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="period_end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--dwelling-units", type=int, default=1)
        parser.add_argument("--zone")
        parser.add_argument("--winter-average")
        parser.add_argument("--json", action="store_true", help="print the bill as JSON")

    def handle(self, *args, **options):
        schedules = []
        for name in options["rates"]:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {name}: {error}") from None
            try:
                schedules.append(parse_schedule(text))
            except ValidationError as error:
                raise CommandError(f"{name}:\n" + "\n".join(error.messages)) from None
        inputs = {
            "customer_class": options["customer_class"],
            "meter_size": options["meter_size"],
            "consumption": _number(options["consumption"], "--consumption"),
            "consumption_unit": options["unit"],
            "period_start": _date(options["period_start"]),
            "period_end": _date(options["period_end"]),
            "dwelling_units": options["dwelling_units"],
            "zone": options["zone"],
            "winter_average": _number(options["winter_average"], "--winter-average"),
        }
        try:
            if len(schedules) == 1:
                bill = calculate(schedules[0], **inputs)
            else:
                bill = calculate_across_versions(
                    [
                        (datetime.date.fromisoformat(schedule["effective_from"]), schedule)
                        for schedule in schedules
                    ],
                    **inputs,
                )
        except ValidationError as error:
            raise CommandError(_message(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(bill.as_dict(), indent=2))
            return
        self.stdout.write(
            f"{bill.days} days, {bill.consumption.normalize():f} {bill.unit.upper()}; "
            f"rates: {'; '.join(bill.versions)}"
        )
        width = max([len(line.description) for line in bill.lines] + [5])
        for line in bill.lines:
            note = f"  [{line.proration}]" if line.proration else ""
            self.stdout.write(f"{line.description:<{width}}  {rate_text(line.amount):>12}{note}")
        self.stdout.write(f"{'Total':<{width}}  {rate_text(bill.total):>12}")
