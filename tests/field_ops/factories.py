"""Field builders: the work order world (field people in each role, a metered premise, and
`world.order(...)` to get an order in any status) and a permission granted to one user."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from district import roles
from field_ops import completion
from field_ops.models import Meter, Premise, WorkOrder
from field_ops.services.installations import meter_install
from field_ops.work_orders import (
    work_order_cancel,
    work_order_complete,
    work_order_create,
    work_order_dispatch,
    work_order_schedule,
    work_order_start,
)
from tests.factories import MeterFactory, PremiseFactory

INSTALLED_ON = datetime.date(2025, 1, 2)
S = WorkOrder.Status
T = WorkOrder.Type
P = WorkOrder.Priority
# What completes each type (good input), for tests that only need a completed order.
GOOD_DATA = {
    T.OTHER: {"notes": "Replaced the curb stop lid."},
    T.RE_READ: {"reading": "150.5"},
}


def grant(user, codename: str):
    """Add one permission to a user (e.g. a field technician who leads the crew)."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="district", codename=codename)
    )
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


@dataclass
class World:
    technician: object
    other_technician: object
    dispatcher: object
    lead: object
    premise: Premise
    meter: Meter

    def premise_with_meter(self, reading=100, **premise_fields) -> tuple[Premise, Meter]:
        premise = PremiseFactory(**premise_fields)
        meter = MeterFactory()
        meter_install(
            meter=meter, premise=premise, installed_on=INSTALLED_ON, reading=reading, by=self.lead
        )
        meter.refresh_from_db()
        return premise, meter

    def order(
        self,
        order_type=T.OTHER,
        *,
        status=S.DISPATCHED,
        technician=None,
        premise=None,
        priority=P.ROUTINE,
        day=None,
        **create,
    ) -> WorkOrder:
        """An order moved through the services to `status` (assigned to `technician`)."""
        technician = technician or self.technician
        day = day or timezone.localdate()
        work_order = work_order_create(
            order_type=order_type,
            premise=premise or self.premise,
            by=self.dispatcher,
            requested_date=day,
            priority=priority,
            **create,
        )
        if status == S.NEW:
            return work_order
        if status == S.CANCELLED:
            return work_order_cancel(work_order=work_order, by=self.dispatcher, reason="Duplicate")
        work_order_schedule(
            work_order=work_order, scheduled_date=day, assigned_to=technician, by=self.dispatcher
        )
        if status == S.SCHEDULED:
            return WorkOrder.objects.get(pk=work_order.pk)
        work_order = work_order_dispatch(work_order=work_order, by=self.dispatcher)
        if status == S.DISPATCHED:
            return work_order
        work_order = work_order_start(work_order=work_order, by=technician)
        if status == S.IN_PROGRESS:
            return work_order
        return work_order_complete(
            work_order=work_order, by=technician, data=GOOD_DATA.get(order_type, {})
        )


def build_world(make_user, monkeypatch, settings, tmp_path) -> World:
    """Field people and a metered premise; other apps' completion handlers are set aside."""
    monkeypatch.setattr(completion.registry.HANDLERS, "_entries", {})
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = grant(make_user(roles.FIELD_TECHNICIAN, "crew-lead"), "lead_field_crew")
    world = World(
        technician=make_user(roles.FIELD_TECHNICIAN, "tech-eddie"),
        other_technician=make_user(roles.FIELD_TECHNICIAN, "tech-frank"),
        dispatcher=make_user(roles.CSR_III, "dispatch-carmen"),
        lead=lead,
        premise=None,
        meter=None,
    )
    world.premise, world.meter = world.premise_with_meter(
        reading=100,
        latitude=Decimal("33.123456"),
        longitude=Decimal("-117.654321"),
        meter_location_notes="Left of driveway, under the oak",
    )
    return world
