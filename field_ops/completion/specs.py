"""What completing each type of work order must record, and field_ops' own effect of it.

Each `WorkOrder.Type` has a `CompletionSpec`: the fields the technician fills in, a `clean` that
turns what was typed into a JSON-ready dict (Decimals as strings) or raises a ValidationError
keyed by those field names, and `record`, field_ops' own effect (a read, a meter exchange, a
meter test), which returns what it wrote for the registered handlers to use.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.utils import timezone

from district.errors import ServiceError
from field_ops import selectors
from field_ops.completion.parsing import (
    collect,
    limited,
    normalise_serial,
    parse_decimal,
    parse_reading,
    parse_time,
    parse_yes_no,
    text_of,
)
from field_ops.models import Meter, MeterRead, MeterTest, WorkOrder
from field_ops.services.installations import meter_exchange
from field_ops.services.reads import read_correct, read_record

MAX_TEXT = 2000
MAX_LOCATION = 200

# Field kinds: they decide the input the technician gets (see work_order_forms.py).
READING = "reading"  # a register reading: decimal keypad
PERCENT = "percent"  # a percentage: decimal keypad
YES_NO = "yes_no"  # two large choices
CONFIRM = "confirm"  # one box to tick
SERIAL = "serial"  # a meter serial as printed
TIME = "time"  # HH:MM
TEXT = "text"  # free text


@dataclass(frozen=True)
class CompletionField:
    name: str
    label: str
    kind: str
    required: bool = True
    help_text: str = ""


Cleaner = Callable[[WorkOrder, dict], dict]
Recorder = Callable[[WorkOrder, dict, object], dict]


@dataclass(frozen=True)
class CompletionSpec:
    order_type: str
    fields: tuple[CompletionField, ...]
    clean: Cleaner
    record: Recorder | None = None
    needs_meter: bool = False  # the order cannot be created for a premise without a meter

    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def has_field(self, name: str) -> bool:
        return name in self.field_names()


# -- the meter an order works on


def order_meter(work_order: WorkOrder) -> Meter | None:
    """The order's meter, or the one installed at its premise today."""
    if work_order.meter_id is not None:
        return work_order.meter
    return selectors.installed_meter(work_order.premise)


def _require_meter(work_order: WorkOrder, field: str) -> Meter:
    meter = order_meter(work_order)
    if meter is None:
        raise ServiceError(
            {field: f"No meter is on record at {work_order.premise}. Call the office."}
        )
    return meter


def _today() -> datetime.date:
    return timezone.localdate()


def _renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's error keyed by this form's field names (unknown keys go above the form)."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list] = {}
    for name, messages in error.error_dict.items():
        renamed.setdefault(names.get(name, NON_FIELD_ERRORS), []).extend(messages)
    return ValidationError(renamed)


def _order_label(work_order: WorkOrder) -> str:
    return f"WO-{work_order.pk:06d} {work_order.get_order_type_display()}"


# -- reads: turn on/off, start/final/re-read, shut-off, reconnect


def _clean_read(work_order: WorkOrder, data: dict) -> dict:
    meter = _require_meter(work_order, "reading")
    reading = parse_reading(data.get("reading"), field="reading")
    return {"meter_id": meter.pk, "meter_serial": meter.serial, "reading": str(reading)}


def _record_read(work_order: WorkOrder, completion: dict, by) -> dict:
    meter = Meter.objects.get(pk=completion["meter_id"])
    reading = Decimal(completion["reading"])
    last = selectors.last_read(meter)
    if (
        work_order.order_type == WorkOrder.Type.RE_READ
        and last is not None
        and reading < last.reading
    ):
        # A re-read below the read it was sent to check means that read was a misread: the
        # re-read corrects it (the misread stays, superseded) rather than going backwards.
        try:
            read = read_correct(
                read=last,
                reading=reading,
                by=by,
                reason=f"Re-read by {_order_label(work_order)}",
                source=MeterRead.Source.FIELD_ORDER,
            )
        except ValidationError as error:
            raise _renamed(error, {"reading": "reading"}) from error
        return {"meter_read_id": read.pk, "read_on": read.read_on.isoformat(), "flags": read.flags}
    try:
        read = read_record(
            meter=meter,
            read_on=_today(),
            reading=Decimal(completion["reading"]),
            source=MeterRead.Source.FIELD_ORDER,
            by=by,
            note=_order_label(work_order),
        )
    except ValidationError as error:
        raise _renamed(error, {"reading": "reading"}) from error
    return {"meter_read_id": read.pk, "read_on": read.read_on.isoformat(), "flags": read.flags}


READING_FIELD = CompletionField(
    "reading", "Meter reading", READING, help_text="The register as it reads now, e.g. 1234.5."
)


def _read_spec(order_type: str) -> CompletionSpec:
    return CompletionSpec(
        order_type=order_type,
        fields=(READING_FIELD,),
        clean=_clean_read,
        record=_record_read,
        needs_meter=True,
    )


# -- meter exchange


def _clean_exchange(work_order: WorkOrder, data: dict) -> dict:
    on_record = _require_meter(work_order, "old_serial")

    def old_serial():
        serial = normalise_serial(data.get("old_serial"))
        if not serial:
            raise ServiceError({"old_serial": "Enter the serial of the meter you took out."})
        if serial != on_record.serial.upper():
            raise ServiceError(
                {
                    "old_serial": f"The meter on record here is {on_record.serial}, not {serial}. "
                    "Check the serial on the meter you took out."
                }
            )
        return on_record

    def new_meter():
        serial = normalise_serial(data.get("new_serial"))
        if not serial:
            raise ServiceError({"new_serial": "Enter the serial of the meter you set."})
        meter = selectors.meter_by_serial(serial)
        if meter is None:
            raise ServiceError({"new_serial": f"No meter {serial} is on record. Check the serial."})
        if meter.pk == on_record.pk:
            raise ServiceError({"new_serial": "The new meter must be a different meter."})
        if meter.status != Meter.Status.IN_STOCK:
            raise ServiceError(
                {
                    "new_serial": f"Meter {meter.serial} is {meter.get_status_display().lower()}, "
                    "not in stock. Set a meter from stock."
                }
            )
        return meter

    old, new, old_reading, new_reading = collect(
        old_serial,
        new_meter,
        lambda: parse_reading(data.get("old_reading"), field="old_reading"),
        lambda: parse_reading(data.get("new_reading"), field="new_reading"),
    )
    return {
        "old_meter_id": old.pk,
        "old_serial": old.serial,
        "old_reading": str(old_reading),
        "new_meter_id": new.pk,
        "new_serial": new.serial,
        "new_reading": str(new_reading),
    }


def _record_exchange(work_order: WorkOrder, completion: dict, by) -> dict:
    meters = Meter.objects.in_bulk([completion["old_meter_id"], completion["new_meter_id"]])
    try:
        installation = meter_exchange(
            premise=work_order.premise,
            old_meter=meters[completion["old_meter_id"]],
            old_reading=Decimal(completion["old_reading"]),
            new_meter=meters[completion["new_meter_id"]],
            new_reading=Decimal(completion["new_reading"]),
            on_date=_today(),
            by=by,
        )
    except ValidationError as error:
        raise _renamed(
            error,
            {
                "old_reading": "old_reading",
                "new_reading": "new_reading",
                "old_meter": "old_serial",
                "new_meter": "new_serial",
            },
        ) from error
    return {"installation_id": installation.pk, "on_date": installation.installed_on.isoformat()}


# -- meter test


def _clean_meter_test(work_order: WorkOrder, data: dict) -> dict:
    meter = _require_meter(work_order, "accuracy_percent")
    accuracy, passed, notes = collect(
        lambda: parse_decimal(
            data.get("accuracy_percent"),
            field="accuracy_percent",
            what="accuracy",
            minimum=Decimal(0),
            maximum=Decimal(200),
            example="99.2",
        ),
        lambda: parse_yes_no(
            data.get("passed"), field="passed", question="Did the meter pass the test?"
        ),
        lambda: limited(text_of(data, "notes"), field="notes", limit=255),
    )
    return {
        "meter_id": meter.pk,
        "meter_serial": meter.serial,
        "accuracy_percent": str(accuracy),
        "passed": passed,
        "notes": notes,
    }


def _record_meter_test(work_order: WorkOrder, completion: dict, by) -> dict:
    test = MeterTest.objects.create(
        meter_id=completion["meter_id"],
        tested_on=_today(),
        accuracy_percent=Decimal(completion["accuracy_percent"]),
        passed=completion["passed"],
        notes=completion["notes"],
        tested_by=by,
        work_order=work_order,
    )
    return {"meter_test_id": test.pk}


# -- leak and high-bill investigations


def _clean_investigation(work_order: WorkOrder, data: dict) -> dict:
    found, where, notes = collect(
        lambda: parse_yes_no(data.get("leak_found"), field="leak_found", question="Leak found?"),
        lambda: limited(text_of(data, "leak_location"), field="leak_location", limit=MAX_LOCATION),
        lambda: limited(text_of(data, "notes"), field="notes", limit=MAX_TEXT),
    )
    if found and not where:
        raise ServiceError(
            {"leak_location": "Say where the leak is (e.g. toilet, irrigation line, service)."}
        )
    return {"leak_found": found, "leak_location": where if found else "", "notes": notes}


INVESTIGATION_FIELDS = (
    CompletionField("leak_found", "Leak found", YES_NO),
    CompletionField(
        "leak_location",
        "Where is the leak",
        TEXT,
        required=False,
        help_text="Required when a leak was found, e.g. front toilet, irrigation valve.",
    ),
    CompletionField("notes", "Notes", TEXT, required=False),
)


# -- door hanger


def _clean_door_hanger(work_order: WorkOrder, data: dict) -> dict:
    def notice_left():
        left = parse_yes_no(
            data.get("notice_left") or "no",
            field="notice_left",
            question="Was the notice left?",
        )
        if not left:
            raise ServiceError({"notice_left": "Leave the notice on the door, then tick this box."})
        return left

    left, time_left = collect(
        notice_left, lambda: parse_time(data.get("time_left"), field="time_left", what="time")
    )
    return {"notice_left": left, "time_left": time_left}


# -- hydrant meter set and pick-up (the hydrants app records the rental's effects)


def _clean_hydrant(work_order: WorkOrder, data: dict) -> dict:
    def serial():
        value = normalise_serial(data.get("hydrant_meter_serial"))
        if not value:
            raise ServiceError({"hydrant_meter_serial": "Enter the serial of the hydrant meter."})
        return limited(value, field="hydrant_meter_serial", limit=30)

    value, reading = collect(serial, lambda: parse_reading(data.get("reading"), field="reading"))
    return {"hydrant_meter_serial": value, "reading": str(reading)}


HYDRANT_FIELDS = (
    CompletionField("hydrant_meter_serial", "Hydrant meter serial", SERIAL),
    CompletionField("reading", "Hydrant meter reading", READING),
)


# -- other


def _clean_other(work_order: WorkOrder, data: dict) -> dict:
    notes = limited(text_of(data, "notes"), field="notes", limit=MAX_TEXT)
    if not notes:
        raise ServiceError({"notes": "Say what you did."})
    return {"notes": notes}


_T = WorkOrder.Type
READ_TYPES = (
    _T.START_READ,
    _T.FINAL_READ,
    _T.RE_READ,
    _T.TURN_ON,
    _T.TURN_OFF,
    _T.SHUT_OFF,
    _T.RECONNECT,
)

SPECS: dict[str, CompletionSpec] = {
    **{order_type: _read_spec(order_type) for order_type in READ_TYPES},
    _T.METER_EXCHANGE: CompletionSpec(
        order_type=_T.METER_EXCHANGE,
        fields=(
            CompletionField("old_serial", "Serial of the meter taken out", SERIAL),
            CompletionField("old_reading", "Final reading of the meter taken out", READING),
            CompletionField("new_serial", "Serial of the meter set", SERIAL),
            CompletionField("new_reading", "Reading of the meter set", READING),
        ),
        clean=_clean_exchange,
        record=_record_exchange,
        needs_meter=True,
    ),
    _T.METER_TEST: CompletionSpec(
        order_type=_T.METER_TEST,
        fields=(
            CompletionField(
                "accuracy_percent",
                "Accuracy (percent)",
                PERCENT,
                help_text="Registered volume as a percent of the true volume, e.g. 99.2.",
            ),
            CompletionField("passed", "Meter passed", YES_NO),
            CompletionField("notes", "Notes", TEXT, required=False),
        ),
        clean=_clean_meter_test,
        record=_record_meter_test,
        needs_meter=True,
    ),
    _T.LEAK_INVESTIGATION: CompletionSpec(
        order_type=_T.LEAK_INVESTIGATION, fields=INVESTIGATION_FIELDS, clean=_clean_investigation
    ),
    _T.HIGH_BILL_INVESTIGATION: CompletionSpec(
        order_type=_T.HIGH_BILL_INVESTIGATION,
        fields=INVESTIGATION_FIELDS,
        clean=_clean_investigation,
    ),
    _T.DOOR_HANGER: CompletionSpec(
        order_type=_T.DOOR_HANGER,
        fields=(
            CompletionField("notice_left", "Notice left on the door", CONFIRM),
            CompletionField("time_left", "Time left", TIME, help_text="HH:MM, e.g. 14:30."),
        ),
        clean=_clean_door_hanger,
    ),
    _T.HYDRANT_METER_SET: CompletionSpec(
        order_type=_T.HYDRANT_METER_SET, fields=HYDRANT_FIELDS, clean=_clean_hydrant
    ),
    _T.HYDRANT_METER_PICKUP: CompletionSpec(
        order_type=_T.HYDRANT_METER_PICKUP, fields=HYDRANT_FIELDS, clean=_clean_hydrant
    ),
    _T.OTHER: CompletionSpec(
        order_type=_T.OTHER,
        fields=(CompletionField("notes", "What was done", TEXT),),
        clean=_clean_other,
    ),
}
if set(SPECS) != set(WorkOrder.Type.values):
    raise ImproperlyConfigured("Every work order type needs a completion spec.")


def completion_spec(order_type: str) -> CompletionSpec:
    return SPECS[order_type]


def completion_rows(work_order: WorkOrder) -> list[tuple[str, str]]:
    """What a completed order recorded, as (label, text) in the order its form asks."""
    data = work_order.completion or {}
    rows = []
    for field in completion_spec(work_order.order_type).fields:
        if field.name not in data:
            continue
        value = data[field.name]
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((field.label, str(value) if value not in ("", None) else "—"))
    if data.get("meter_serial"):
        rows.append(("Meter", data["meter_serial"]))
    if data.get("flags"):
        labels = dict(MeterRead.Flag.choices)
        rows.append(("Read flagged", ", ".join(labels.get(flag, flag) for flag in data["flags"])))
    return rows
