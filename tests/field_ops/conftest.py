"""Field fixtures: a clerk, a meter installed (through the services) with reads, and the work
order world (tests/field_ops/factories.py)."""

import datetime

import pytest

from field_ops.services.installations import meter_install
from field_ops.services.reads import read_record
from tests.factories import MeterFactory, PremiseFactory, UserFactory
from tests.field_ops.factories import INSTALLED_ON, build_world


@pytest.fixture
def clerk(db):
    return UserFactory(first_name="Ana", last_name="Ibarra")


@pytest.fixture
def installed(clerk):
    """installed(reading=..., **meter fields) -> a meter installed on 01/02/2025 with that reading."""

    def install(reading=0, premise=None, **meter_fields):
        meter = MeterFactory(**meter_fields)
        meter_install(
            meter=meter,
            premise=premise or PremiseFactory(),
            installed_on=INSTALLED_ON,
            reading=reading,
            by=clerk,
        )
        meter.refresh_from_db()
        return meter

    return install


@pytest.fixture
def monthly_reads(clerk):
    """monthly_reads(meter, [110, 120, ...]) records one read a month from February 2025."""

    def record(meter, readings, start=datetime.date(2025, 2, 1)):
        reads = []
        for month, reading in enumerate(readings):
            read_on = datetime.date(
                start.year + (start.month + month - 1) // 12, (start.month + month - 1) % 12 + 1, 1
            )
            reads.append(
                read_record(meter=meter, read_on=read_on, reading=reading, source="route", by=clerk)
            )
        return reads

    return record


@pytest.fixture
def world(make_user, monkeypatch, settings, tmp_path):
    """The work order world: field people, a metered premise, orders in any status."""
    return build_world(make_user, monkeypatch, settings, tmp_path)
