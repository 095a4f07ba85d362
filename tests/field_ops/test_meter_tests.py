"""Meter accuracy tests (pass or fail by size, and where the meter goes), retiring, and stock."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from district import roles
from field_ops import meter_tests
from field_ops.models import Meter, MeterTest, WorkOrder
from tests.factories import MeterFactory

pytestmark = pytest.mark.django_db

S = Meter.Status
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def tester(make_user):
    return make_user(roles.CSR_II, "bench-tester", first_name="Ana", last_name="Ibarra")


def _record(meter, accuracy, by, **extra):
    return meter_tests.meter_test_record(
        meter=meter, tested_on=extra.pop("tested_on", TODAY), accuracy_percent=accuracy, by=by,
        **extra,
    )  # fmt: skip


# -- pass or fail


@pytest.mark.parametrize(
    ("size", "accuracy", "passed"),
    [
        (Meter.Size.FIVE_EIGHTHS, "98.5", True),
        (Meter.Size.FIVE_EIGHTHS, "101.5", True),
        (Meter.Size.FIVE_EIGHTHS, "98.49", False),
        (Meter.Size.TWO, "101.6", False),
        (Meter.Size.THREE, "97.5", True),
        (Meter.Size.SIX, "103", True),
        (Meter.Size.SIX, "103.01", False),
    ],
)
def test_the_result_follows_the_limits_for_the_size(tester, size, accuracy, passed):
    # given
    meter = MeterFactory(size=size, status=S.IN_TEST)

    # when
    test = _record(meter, accuracy, tester)

    # then
    assert test.passed is passed
    assert test.accuracy_percent == Decimal(accuracy)


def test_a_meter_in_test_that_passes_goes_back_to_stock(tester):
    # given
    meter = MeterFactory(status=S.IN_TEST)

    # when
    test = _record(meter, "99.2", tester, notes="  Bench 2  ")

    # then
    meter.refresh_from_db()
    assert meter.status == S.IN_STOCK
    assert (test.meter.status, test.notes, test.tested_by) == (S.IN_STOCK, "Bench 2", tester)


def test_a_meter_in_test_that_fails_is_retired(tester):
    # given
    meter = MeterFactory(status=S.IN_TEST)

    # when
    _record(meter, "96", tester)

    # then
    meter.refresh_from_db()
    assert meter.status == S.RETIRED


def test_a_removed_meter_goes_to_stock_or_retirement_with_its_result(tester):
    # given
    good, bad = MeterFactory(status=S.REMOVED), MeterFactory(status=S.REMOVED)

    # when
    _record(good, "100.4", tester)
    _record(bad, "104", tester)

    # then
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (S.IN_STOCK, S.RETIRED)


def test_a_new_meter_in_stock_that_fails_is_retired_and_one_that_passes_stays(tester):
    # given
    good, bad = MeterFactory(status=S.IN_STOCK), MeterFactory(status=S.IN_STOCK)

    # when
    _record(good, "100", tester)
    _record(bad, "90", tester)

    # then
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (S.IN_STOCK, S.RETIRED)


def test_an_installed_meter_stays_installed_after_a_failed_field_test(tester, installed):
    # given
    meter = installed()

    # when
    test = _record(meter, "95", tester)

    # then
    meter.refresh_from_db()
    assert (test.passed, meter.status) == (False, S.INSTALLED)


def test_a_test_can_belong_to_the_meter_test_order(tester, installed):
    # given
    meter = installed()
    order = WorkOrder.objects.create(
        order_type=WorkOrder.Type.METER_TEST,
        premise=meter.installations.get().premise,
        meter=meter,
        requested_date=TODAY,
    )

    # when
    test = _record(meter, "99.9", tester, work_order=order)

    # then
    assert test.work_order == order


# -- refusals (nothing written)


@pytest.mark.parametrize(
    ("accuracy", "message"),
    [
        ("abc", "Enter the accuracy as a percent"),
        ("250", "between 0 and 200"),
        ("-1", "between 0 and 200"),
        ("99.123", "at most two decimals"),
    ],
)
def test_a_bad_accuracy_is_refused(tester, accuracy, message):
    # given
    meter = MeterFactory(status=S.IN_TEST)

    # when
    with pytest.raises(ValidationError) as refused:
        _record(meter, accuracy, tester)

    # then
    assert message in refused.value.message_dict["accuracy_percent"][0]
    meter.refresh_from_db()
    assert (MeterTest.objects.count(), meter.status) == (0, S.IN_TEST)


def test_a_future_test_date_is_refused(tester):
    # given
    meter = MeterFactory(status=S.IN_TEST)

    # when
    with pytest.raises(ValidationError) as refused:
        _record(meter, "99", tester, tested_on=timezone.localdate() + datetime.timedelta(days=1))

    # then
    assert "tested_on" in refused.value.message_dict
    assert MeterTest.objects.count() == 0


def test_a_retired_meter_is_not_tested(tester):
    # given
    meter = MeterFactory(status=S.RETIRED)

    # when
    with pytest.raises(ValidationError):
        _record(meter, "99", tester)

    # then
    assert MeterTest.objects.count() == 0


def test_an_order_for_another_meter_is_refused(tester, installed):
    # given
    meter = installed()
    other = installed()
    order = WorkOrder.objects.create(
        order_type=WorkOrder.Type.METER_TEST,
        premise=other.installations.get().premise,
        meter=other,
        requested_date=TODAY,
    )

    # when
    with pytest.raises(ValidationError) as refused:
        _record(meter, "99", tester, work_order=order)

    # then
    assert "work_order" in refused.value.message_dict
    assert MeterTest.objects.count() == 0


# -- retiring


def test_retiring_needs_a_reason(tester):
    # given
    meter = MeterFactory(status=S.REMOVED)

    # when
    with pytest.raises(ValidationError) as refused:
        meter_tests.meter_retire(meter=meter, by=tester, reason="  ")

    # then
    assert "reason" in refused.value.message_dict
    meter.refresh_from_db()
    assert meter.status == S.REMOVED


def test_retiring_a_removed_meter(tester):
    # given
    meter = MeterFactory(status=S.REMOVED)

    # when
    retired = meter_tests.meter_retire(meter=meter, by=tester, reason="Cracked register")

    # then
    meter.refresh_from_db()
    assert retired.status == meter.status == S.RETIRED


def test_an_installed_meter_cannot_be_retired(tester, installed):
    # given
    meter = installed()

    # when
    with pytest.raises(ValidationError):
        meter_tests.meter_retire(meter=meter, by=tester, reason="Old")

    # then
    meter.refresh_from_db()
    assert meter.status == S.INSTALLED


# -- pages


def test_recording_a_test_on_the_page(client, tester):
    # given
    meter = MeterFactory(status=S.IN_TEST, size=Meter.Size.THREE)
    client.force_login(tester)
    url = reverse("field_ops:meter_test_new", kwargs={"meter_id": meter.pk})

    # when
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {"tested_on": "2026-01-15", "accuracy_percent": "97.2", "notes": "Bench 1"},
        follow=True,
    )

    # then: the limits are shown before, the outcome and the test after
    page = response.content.decode()
    assert "It passes between 97.0% and 103.0%." in form
    assert f"Meter {meter.serial} passed at 97.20%. It is now in stock." in page
    assert "Accuracy tests" in page and "97.20%" in page and "Passed" in page


def test_a_bad_accuracy_comes_back_beside_the_field(client, tester):
    # given
    meter = MeterFactory(status=S.IN_TEST)
    client.force_login(tester)

    # when
    response = client.post(
        reverse("field_ops:meter_test_new", kwargs={"meter_id": meter.pk}),
        {"tested_on": "2026-01-15", "accuracy_percent": "lots"},
    )

    # then
    assert response.status_code == 400
    assert "Enter the accuracy as a percent" in response.content.decode()
    assert MeterTest.objects.count() == 0


def test_the_meter_page_links_to_recording_a_test(client, tester):
    # given
    meter = MeterFactory(status=S.IN_STOCK)
    client.force_login(tester)

    # when
    page = client.get(
        reverse("field_ops:meter_detail", kwargs={"meter_id": meter.pk})
    ).content.decode()

    # then
    assert reverse("field_ops:meter_test_new", kwargs={"meter_id": meter.pk}) in page
    assert "No accuracy test recorded." in page


def test_retiring_on_the_page(client, tester):
    # given
    meter = MeterFactory(status=S.IN_TEST)
    client.force_login(tester)

    # when
    response = client.post(
        reverse("field_ops:meter_retire", kwargs={"meter_id": meter.pk}),
        {"reason": "Failed twice"},
        follow=True,
    )

    # then
    meter.refresh_from_db()
    assert meter.status == S.RETIRED
    assert f"Meter {meter.serial} is retired." in response.content.decode()


def test_a_field_technician_cannot_record_a_bench_test(client, make_user):
    # given
    meter = MeterFactory(status=S.IN_TEST)
    client.force_login(make_user(roles.FIELD_TECHNICIAN))

    # when
    response = client.post(
        reverse("field_ops:meter_test_new", kwargs={"meter_id": meter.pk}),
        {"tested_on": "2026-01-15", "accuracy_percent": "99"},
    )

    # then
    assert response.status_code == 403
    assert MeterTest.objects.count() == 0


# -- stock


def test_the_stock_counts_meters_of_each_size_by_status(db, django_assert_num_queries):
    # given
    for status in (S.IN_STOCK, S.IN_STOCK, S.IN_TEST, S.RETIRED):
        MeterFactory(size=Meter.Size.FIVE_EIGHTHS, status=status)
    MeterFactory(size=Meter.Size.TWO, status=S.IN_STOCK)
    MeterFactory(size=Meter.Size.TWO, status=S.REMOVED)

    # when
    with django_assert_num_queries(1):
        rows, totals = meter_tests.meter_stock_by_size()

    # then: sizes in size order, not alphabetical
    assert [(row.label, row.in_stock, row.in_test, row.removed, row.retired) for row in rows] == [
        ('5/8"', 2, 1, 0, 1),
        ('2"', 1, 0, 1, 0),
    ]
    assert (totals.in_stock, totals.total) == (3, 6)


def test_the_stock_page(client_for):
    # given
    MeterFactory(size=Meter.Size.ONE, status=S.IN_STOCK)
    client = client_for(roles.CSR_I)

    # when
    response = client.get(reverse("field_ops:meter_stock"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "1&quot;" in page or '1"' in page
    assert reverse("field_ops:meter_list") + "?status=in_stock" in page
