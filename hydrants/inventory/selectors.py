"""Reads of the fleet: the meter and hydrant lists, and a meter's custody history."""

from django.db.models import OuterRef, QuerySet, Subquery

from hydrants.models import Hydrant, HydrantMeter, MeterIssue


def _open_issue(field: str) -> Subquery:
    return Subquery(
        MeterIssue.objects.filter(meter=OuterRef("pk"), returned_at__isnull=True).values(field)[:1]
    )


def hydrant_meter_list() -> QuerySet:
    """Every meter with where it is: its yard bin, or the permit it is out on (one query)."""
    return HydrantMeter.objects.annotate(
        out_on_permit_id=_open_issue("permit_id"),
        out_on_permit_number=_open_issue("permit__number"),
    )


def hydrant_meter_by_serial(serial: str) -> HydrantMeter | None:
    serial = " ".join((serial or "").split())
    return HydrantMeter.objects.filter(serial__iexact=serial).first() if serial else None


def hydrant_meter_custody(meter: HydrantMeter) -> list[MeterIssue]:
    """The meter's issues, latest first, with their permits and contractors."""
    return list(
        MeterIssue.objects.filter(meter=meter).select_related(
            "permit__account__customer", "issued_by"
        )
    )


def hydrant_list() -> QuerySet:
    return Hydrant.objects.all()
