"""Meters and installations: receive, describe, install, remove, exchange, status moves."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from field_ops import selectors
from field_ops.models import Meter, MeterInstallation, MeterRead
from field_ops.services.installations import meter_exchange, meter_install, meter_remove
from field_ops.services.meters import meter_create, meter_status_change, meter_update
from tests.factories import MeterFactory, MeterInstallationFactory, PremiseFactory

pytestmark = pytest.mark.django_db

INSTALL_DAY = datetime.date(2025, 1, 2)


def _meter_fields(**overrides):
    fields = {"serial": " mv-100 23 ", "make": "Badger", "size": Meter.Size.FIVE_EIGHTHS}
    fields.update(overrides)
    return fields


def test_meter_create_upper_cases_the_serial_and_puts_it_in_stock(clerk):
    meter = meter_create(by=clerk, **_meter_fields())
    meter.refresh_from_db()
    assert meter.serial == "MV-10023"
    assert meter.status == Meter.Status.IN_STOCK
    assert meter.dials == 6


def test_meter_serial_must_be_unique_whatever_the_case(clerk):
    # given
    MeterFactory(serial="MV-10023")

    # when
    with pytest.raises(ValidationError) as refused:
        meter_create(by=clerk, **_meter_fields(serial="mv-10023"))

    # then
    assert "already on record" in refused.value.message_dict["serial"][0]
    assert Meter.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"dials": 2}, "dials"),
        ({"dials": 11}, "dials"),
        ({"multiplier": Decimal("0")}, "multiplier"),
        ({"serial": "  "}, "serial"),
        ({"size": "7/8"}, "size"),
    ],
)
def test_bad_meter_descriptions_are_refused(clerk, overrides, field):
    with pytest.raises(ValidationError) as refused:
        meter_create(by=clerk, **_meter_fields(**overrides))
    assert field in refused.value.message_dict
    assert not Meter.objects.exists()


def test_meter_update_may_keep_its_own_serial_but_not_take_another(clerk):
    # given
    meter = MeterFactory(serial="A1")
    MeterFactory(serial="B2")

    # when
    meter_update(meter=meter, by=clerk, serial="a1", make="Neptune")
    with pytest.raises(ValidationError):
        meter_update(meter=meter, by=clerk, serial="b2")

    # then
    meter.refresh_from_db()
    assert (meter.serial, meter.make) == ("A1", "Neptune")


def test_install_sets_status_and_records_the_install_read(clerk):
    # given
    meter, premise = MeterFactory(), PremiseFactory()

    # when
    installation = meter_install(
        meter=meter, premise=premise, installed_on=INSTALL_DAY, reading="12.5", by=clerk
    )

    # then
    meter.refresh_from_db()
    assert meter.status == Meter.Status.INSTALLED
    assert installation.install_reading == Decimal("12.50")
    assert installation.installed_by == clerk
    read = MeterRead.objects.get(meter=meter)
    assert (read.read_on, read.reading, read.flags) == (
        INSTALL_DAY,
        Decimal("12.50"),
        [MeterRead.Flag.METER_CHANGE],
    )
    assert selectors.installed_meter(premise) == meter


def test_install_refuses_a_meter_installed_elsewhere(clerk, installed):
    # given
    meter = installed()
    other_premise = PremiseFactory()

    # when
    with pytest.raises(ValidationError) as refused:
        meter_install(
            meter=meter, premise=other_premise, installed_on=INSTALL_DAY, reading=0, by=clerk
        )

    # then
    assert "already installed at" in refused.value.message_dict["meter"][0]
    assert not MeterInstallation.objects.filter(premise=other_premise).exists()


@pytest.mark.parametrize("status", [Meter.Status.RETIRED, Meter.Status.IN_TEST])
def test_install_refuses_a_meter_not_in_stock(clerk, status):
    meter = MeterFactory(status=status)
    with pytest.raises(ValidationError) as refused:
        meter_install(
            meter=meter, premise=PremiseFactory(), installed_on=INSTALL_DAY, reading=0, by=clerk
        )
    assert "only a meter in stock" in refused.value.message_dict["meter"][0]
    assert not MeterInstallation.objects.exists()
    assert not MeterRead.objects.exists()


def test_install_refuses_a_future_date_and_a_bad_reading(clerk):
    meter = MeterFactory(dials=4)
    with pytest.raises(ValidationError) as future:
        meter_install(
            meter=meter,
            premise=PremiseFactory(),
            installed_on=timezone.localdate() + datetime.timedelta(days=3),
            reading=0,
            by=clerk,
        )
    with pytest.raises(ValidationError) as too_big:
        meter_install(
            meter=meter, premise=PremiseFactory(), installed_on=INSTALL_DAY, reading=10000, by=clerk
        )
    assert "future" in future.value.message_dict["installed_on"][0]
    assert "4 dials" in too_big.value.message_dict["reading"][0]
    assert not MeterInstallation.objects.exists()


def test_database_refuses_a_second_open_installation_of_a_meter():
    installation = MeterInstallationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MeterInstallation.objects.create(
            meter=installation.meter, premise=PremiseFactory(), installed_on=INSTALL_DAY
        )


def test_remove_records_the_removal_read_and_frees_the_meter(clerk, installed):
    # given
    meter = installed(reading=100)
    installation = selectors.active_installation(meter)

    # when
    meter_remove(
        installation=installation, removed_on=datetime.date(2025, 3, 1), reading=130, by=clerk
    )

    # then
    installation.refresh_from_db()
    meter.refresh_from_db()
    assert installation.removed_on == datetime.date(2025, 3, 1)
    assert installation.removal_reading == 130
    assert meter.status == Meter.Status.REMOVED
    removal = selectors.last_read(meter)
    assert removal.reading == 130
    assert MeterRead.Flag.METER_CHANGE in removal.flags


def test_remove_refuses_a_reading_below_the_last_read(clerk, installed):
    # given
    meter = installed(reading=500)
    installation = selectors.active_installation(meter)

    # when
    with pytest.raises(ValidationError) as refused:
        meter_remove(
            installation=installation, removed_on=datetime.date(2025, 3, 1), reading=400, by=clerk
        )

    # then
    assert "not a register rollover" in refused.value.message_dict["reading"][0]
    meter.refresh_from_db()
    assert meter.status == Meter.Status.INSTALLED
    assert MeterRead.objects.filter(meter=meter).count() == 1


def test_remove_accepts_a_rollover(clerk, installed):
    # given: a 4-dial register near its top
    meter = installed(reading=9990, dials=4)
    installation = selectors.active_installation(meter)

    # when
    meter_remove(
        installation=installation, removed_on=datetime.date(2025, 2, 1), reading=15, by=clerk
    )

    # then
    assert MeterRead.Flag.ROLLOVER in selectors.last_read(meter).flags


def test_remove_refuses_a_date_before_the_install(clerk, installed):
    meter = installed()
    installation = selectors.active_installation(meter)
    with pytest.raises(ValidationError) as refused:
        meter_remove(
            installation=installation, removed_on=datetime.date(2024, 12, 1), reading=5, by=clerk
        )
    assert "removed_on" in refused.value.message_dict
    installation.refresh_from_db()
    assert installation.removed_on is None


def test_exchange_swaps_the_meters_in_one_step(clerk, installed):
    # given
    premise = PremiseFactory()
    old = installed(reading=10, premise=premise)
    new = MeterFactory()
    on = datetime.date(2025, 6, 1)

    # when
    installation = meter_exchange(
        premise=premise,
        old_meter=old,
        old_reading=85,
        new_meter=new,
        new_reading=0,
        on_date=on,
        by=clerk,
    )

    # then
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (Meter.Status.REMOVED, Meter.Status.INSTALLED)
    assert installation.meter == new
    assert selectors.installed_meter(premise, on) == new
    assert selectors.installed_meter(premise, datetime.date(2025, 5, 31)) == old
    assert [i.meter for i in selectors.premise_installations(premise)] == [new, old]


def test_exchange_refused_for_the_new_meter_leaves_the_old_one_in_place(clerk, installed):
    # given
    premise = PremiseFactory()
    old = installed(reading=10, premise=premise)
    new = MeterFactory(status=Meter.Status.RETIRED)

    # when
    with pytest.raises(ValidationError) as refused:
        meter_exchange(
            premise=premise,
            old_meter=old,
            old_reading=85,
            new_meter=new,
            new_reading=0,
            on_date=datetime.date(2025, 6, 1),
            by=clerk,
        )

    # then
    assert "new_meter" in refused.value.message_dict
    old.refresh_from_db()
    assert old.status == Meter.Status.INSTALLED
    assert selectors.active_installation(old).removed_on is None
    assert MeterRead.objects.filter(meter=old).count() == 1


def test_exchange_refused_for_the_old_reading_names_that_field(clerk, installed):
    premise = PremiseFactory()
    old = installed(reading=300, premise=premise)
    with pytest.raises(ValidationError) as refused:
        meter_exchange(
            premise=premise,
            old_meter=old,
            old_reading=200,
            new_meter=MeterFactory(),
            new_reading=0,
            on_date=datetime.date(2025, 6, 1),
            by=clerk,
        )
    assert "old_reading" in refused.value.message_dict


def test_exchange_refuses_a_meter_not_at_the_premise(clerk, installed):
    old = installed()
    with pytest.raises(ValidationError) as refused:
        meter_exchange(
            premise=PremiseFactory(),
            old_meter=old,
            old_reading=5,
            new_meter=MeterFactory(),
            new_reading=0,
            on_date=datetime.date(2025, 6, 1),
            by=clerk,
        )
    assert "not installed at" in refused.value.message_dict["old_meter"][0]


def test_status_moves_follow_the_allowed_transitions(clerk, installed):
    # given
    meter = installed()
    meter_remove(
        installation=selectors.active_installation(meter),
        removed_on=datetime.date(2025, 2, 1),
        reading=10,
        by=clerk,
    )

    # when
    meter_status_change(meter=meter, to_status=Meter.Status.IN_TEST, by=clerk)
    meter_status_change(meter=meter, to_status=Meter.Status.RETIRED, by=clerk)
    with pytest.raises(ValidationError) as refused:
        meter_status_change(meter=meter, to_status=Meter.Status.IN_STOCK, by=clerk)

    # then
    meter.refresh_from_db()
    assert meter.status == Meter.Status.RETIRED
    assert "cannot be returned to stock" in refused.value.message_dict["to_status"][0]


def test_install_and_remove_are_not_manual_status_moves(clerk):
    meter = MeterFactory()
    with pytest.raises(ValidationError):
        meter_status_change(meter=meter, to_status=Meter.Status.INSTALLED, by=clerk)
    meter.refresh_from_db()
    assert meter.status == Meter.Status.IN_STOCK


def test_a_removed_meter_back_in_stock_can_be_installed_again_after_its_removal(clerk, installed):
    # given
    meter = installed(reading=0)
    meter_remove(
        installation=selectors.active_installation(meter),
        removed_on=datetime.date(2025, 3, 1),
        reading=40,
        by=clerk,
    )
    meter_status_change(meter=meter, to_status=Meter.Status.IN_STOCK, by=clerk)

    # when
    with pytest.raises(ValidationError) as too_early:
        meter_install(
            meter=meter,
            premise=PremiseFactory(),
            installed_on=datetime.date(2025, 2, 1),
            reading=40,
            by=clerk,
        )
    meter_install(
        meter=meter,
        premise=PremiseFactory(),
        installed_on=datetime.date(2025, 4, 1),
        reading=40,
        by=clerk,
    )

    # then
    assert "installed_on" in too_early.value.message_dict
    assert meter.installations.count() == 2
