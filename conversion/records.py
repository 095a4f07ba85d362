"""The records of a conversion load, written with COPY (district.bulk) in the load's transaction.

Ids are reserved from each table's own sequence first, so foreign keys are written in the same
pass; every column a file does not give gets its model field's default.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from accounts.models import (
    Contact,
    Customer,
    CustomerFlag,
    Deposit,
    DepositGuideline,
    LegacyAccountNumber,
    ServiceAccount,
)
from billing.arrangements.models import Arrangement, Installment
from conversion import formats
from conversion.errors import ConversionRefused
from conversion.models import ConversionLoad, LegacyIdentifier
from conversion.validate import Extract
from district.bulk import copy_line, copy_stream, reserve_ids
from field_ops.models import Meter, MeterInstallation, MeterRead, Premise


def opening_key(old_number: str, bucket: str) -> str:
    return f"conversion:opening:{old_number}:{bucket}"


def deposit_key(old_number: str) -> str:
    return f"conversion:deposit:{old_number}"


def copy_model(cursor, model: type[Model], names: tuple[str, ...], rows) -> None:
    """COPY rows (tuples in `names` order) into a model's table; every other column gets its
    field's default (the same for every row: created_at now, status its default, ...)."""
    now = timezone.now()
    given = set(names)
    extra_columns, extra_values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and model_field.name not in given:
            continue
        if model_field.name in given or model_field.attname in given:
            continue
        if getattr(model_field, "auto_now_add", False) or getattr(model_field, "auto_now", False):
            value = now
        else:  # the field's default; "" for a blank text field, None for a nullable one
            value = model_field.get_default()
            if isinstance(value, list):
                value = "{" + ",".join(value) + "}"
        extra_columns.append(model_field.column)
        extra_values.append(value)
    columns = tuple(model._meta.get_field(name).column for name in names) + tuple(extra_columns)
    suffix = ("\t" + copy_line(extra_values)) if extra_values else ""
    copy_stream(
        cursor,
        model._meta.db_table,
        columns,
        (copy_line(row) + suffix + "\n" for row in rows),
    )


@dataclass
class Ids:
    customers: dict[str, int]
    premises: dict[str, int]
    meters: dict[str, int]
    accounts: dict[str, int]  # old number -> new id
    numbers: dict[str, str]  # old number -> new number (with its check digit)


def copy_network(cursor, extract: Extract, ids: Ids) -> None:
    copy_model(
        cursor,
        Premise,
        (
            "id",
            "house_number",
            "street",
            "unit",
            "city",
            "state",
            "zip_code",
            "cross_street",
            "apn",
            "tract",
            "lot",
            "map_book",
            "map_page",
            "route",
            "read_sequence",
            "premise_type",
            "dwelling_units",
            "owner_name",
        ),
        (
            (
                ids.premises[r["premise_id"]],
                r["house_number"],
                r["street"],
                r["unit"],
                r["city"],
                r["state"],
                r["zip_code"],
                r["cross_street"],
                r["apn"],
                r["tract"],
                r["lot"],
                r["map_book"],
                r["map_page"],
                r["route"],
                r["read_sequence"],
                r["premise_type"],
                r["dwelling_units"],
                r["owner_name"],
            )
            for _, r in extract.rows(formats.PREMISES)
        ),
    )
    installations = extract.rows(formats.INSTALLATIONS)
    installed_now = {r["serial"] for _, r in installations if r["removed_on"] is None}
    ever = {r["serial"] for _, r in installations}

    def status(serial):
        if serial in installed_now:
            return Meter.Status.INSTALLED
        return Meter.Status.REMOVED if serial in ever else Meter.Status.IN_STOCK

    copy_model(
        cursor,
        Meter,
        ("id", "serial", "size", "make", "model", "unit", "multiplier", "dials", "status"),
        (
            (
                ids.meters[r["serial"]],
                r["serial"],
                r["size"],
                r["make"],
                r["model"],
                r["unit"],
                r["multiplier"],
                r["dials"],
                status(r["serial"]),
            )
            for _, r in extract.rows(formats.METERS)
        ),
    )
    copy_model(
        cursor,
        MeterInstallation,
        (
            "meter",
            "premise",
            "installed_on",
            "install_reading",
            "removed_on",
            "removal_reading",
        ),
        (
            (
                ids.meters[r["serial"]],
                ids.premises[r["premise_id"]],
                r["installed_on"],
                r["install_reading"],
                r["removed_on"],
                r["removal_reading"],
            )
            for _, r in installations
        ),
    )


def copy_reads(cursor, extract: Extract, ids: Ids) -> None:
    meters = ids.meters
    entered_at = timezone.now().isoformat()
    note = "Converted"
    copy_stream(
        cursor,
        MeterRead._meta.db_table,
        ("meter_id", "read_on", "reading", "source", "flags", "note", "entered_at"),
        (
            f"{meters[r['serial']]}\t{r['read_on']}\t{r['reading']}\t{r['source']}\t{{}}\t"
            f"{note}\t{entered_at}\n"
            for _, r in extract.rows(formats.READS)
        ),
    )


def copy_people(cursor, extract: Extract, ids: Ids, load: ConversionLoad) -> None:
    copy_model(
        cursor,
        Customer,
        (
            "id",
            "kind",
            "first_name",
            "last_name",
            "business_name",
            "phone",
            "alternate_phone",
            "email",
            "mailing_line1",
            "mailing_line2",
            "mailing_city",
            "mailing_state",
            "mailing_zip",
            "language",
        ),
        (
            (
                ids.customers[r["customer_id"]],
                r["kind"],
                r["first_name"],
                r["last_name"],
                r["business_name"],
                r["phone"],
                r["alternate_phone"],
                r["email"],
                r["mailing_line1"],
                r["mailing_line2"],
                r["mailing_city"],
                r["mailing_state"] or "CA",
                r["mailing_zip"],
                r["language"],
            )
            for _, r in extract.rows(formats.CUSTOMERS)
        ),
    )
    accounts = extract.rows(formats.ACCOUNTS)
    copy_model(
        cursor,
        ServiceAccount,
        (
            "id",
            "number",
            "customer",
            "premise",
            "customer_class",
            "status",
            "start_date",
            "end_date",
            "billing_frequency",
            "billing_cycle",
            "is_owner",
            "tenants_occupy",
            "paperless",
        ),
        (
            (
                ids.accounts[r["account_number"]],
                ids.numbers[r["account_number"]],
                ids.customers[r["customer_id"]],
                ids.premises[r["premise_id"]],
                r["customer_class"],
                r["status"],
                r["start_date"],
                r["end_date"],
                r["billing_frequency"],
                r["billing_cycle"],
                r["occupant"] == "owner",
                r["tenants_occupy"],
                r["paperless"],
            )
            for _, r in accounts
        ),
    )
    system = load.source_system
    copy_model(
        cursor,
        LegacyAccountNumber,
        ("account", "number", "system"),
        ((ids.accounts[r["account_number"]], r["account_number"], system) for _, r in accounts),
    )
    kinds = (
        (LegacyIdentifier.Kind.CUSTOMER, ids.customers),
        (LegacyIdentifier.Kind.PREMISE, ids.premises),
        (LegacyIdentifier.Kind.METER, ids.meters),
        (LegacyIdentifier.Kind.ACCOUNT, ids.accounts),
    )
    copy_model(
        cursor,
        LegacyIdentifier,
        ("load", "kind", "old_id", "new_id"),
        (
            (load.pk, kind, old_id, new_id)
            for kind, mapping in kinds
            for old_id, new_id in mapping.items()
        ),
    )


def copy_money_records(cursor, extract: Extract, ids: Ids, journals, *, system: str) -> None:
    deposits = extract.rows(formats.DEPOSITS)
    if deposits:
        guideline = (
            DepositGuideline.objects.filter(effective_from__lte=extract.as_of)
            .order_by("-effective_from")
            .first()
            or DepositGuideline.objects.order_by("effective_from").first()
        )
        if guideline is None:
            raise ConversionRefused(
                "Set up the deposit guidelines before converting deposits: nothing was loaded."
            )
        copy_model(
            cursor,
            Deposit,
            (
                "account",
                "guideline",
                "basis",
                "amount",
                "explanation",
                "status",
                "installments",
                "charged_on",
                "charge_journal_id",
            ),
            (
                (
                    ids.accounts[r["account_number"]],
                    guideline.pk,
                    Deposit.Basis.TRANSFERRED,
                    r["amount"],
                    f"Held in {system} since {r['paid_on']:%m/%d/%Y}"[:255],
                    Deposit.Status.CHARGED,
                    1,
                    r["paid_on"],
                    journals[deposit_key(r["account_number"])],
                )
                for _, r in deposits
            ),
        )
    _copy_arrangements(cursor, extract, ids)
    copy_model(
        cursor,
        CustomerFlag,
        ("customer", "flag", "reason"),
        (
            (
                ids.customers[r["customer_id"]],
                r["flag"],
                (r["reason"] or f"Carried over from {system}")[:255],
            )
            for _, r in extract.rows(formats.FLAGS)
        ),
    )
    copy_model(
        cursor,
        Contact,
        ("customer", "account", "channel", "reason", "notes", "logged_at"),
        (
            (
                ids.customers[r["customer_id"]],
                ids.accounts.get(r["account_number"]) if r["account_number"] else None,
                r["channel"],
                Contact.Reason.OTHER,
                r["note"],
                f"{r['noted_on'].isoformat()} 12:00:00+00",
            )
            for _, r in extract.rows(formats.NOTES)
        ),
    )


def _copy_arrangements(cursor, extract: Extract, ids: Ids) -> None:
    plans: dict[str, list[dict]] = defaultdict(list)
    for _, r in extract.rows(formats.ARRANGEMENTS):
        plans[r["account_number"]].append(r)
    if not plans:
        return
    numbers = sorted(plans)
    arrangement_ids = dict(
        zip(numbers, reserve_ids(cursor, Arrangement._meta.db_table, len(numbers)), strict=True)
    )
    copy_model(
        cursor,
        Arrangement,
        (
            "id",
            "account",
            "kind",
            "status",
            "amount",
            "arranged_on",
            "activated_on",
            "notes",
            "idempotency_key",
        ),
        (
            (
                arrangement_ids[number],
                ids.accounts[number],
                Arrangement.Kind.INSTALLMENTS,
                Arrangement.Status.ACTIVE,
                sum(r["amount"] for r in plans[number]),
                plans[number][0]["arranged_on"],
                plans[number][0]["arranged_on"],
                "Converted from the old system",
                f"conversion:arrangement:{number}",
            )
            for number in numbers
        ),
    )
    copy_model(
        cursor,
        Installment,
        ("arrangement", "number", "due_on", "amount"),
        (
            (arrangement_ids[number], r["installment"], r["due_on"], r["amount"])
            for number in numbers
            for r in plans[number]
        ),
    )
