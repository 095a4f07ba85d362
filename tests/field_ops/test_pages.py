"""Staff pages of premises, meters and reads: good and bad posts, who may open them, query counts."""

import datetime

import pytest
from django.urls import reverse

from district import roles
from field_ops import selectors
from field_ops.models import Meter, MeterRead, Premise
from field_ops.services.reads import read_correct, read_record
from tests.factories import MeterFactory, PremiseFactory

pytestmark = pytest.mark.django_db


def _premise_post(**overrides):
    data = {
        "house_number": "77",
        "street": "Juniper Ln",
        "city": "Mesa Verde",
        "state": "CA",
        "zip_code": "92001",
        "apn": "555-12-345",
        "route": "R02",
        "read_sequence": "120",
        "premise_type": Premise.PremiseType.SINGLE_FAMILY,
        "dwelling_units": "1",
    }
    data.update(overrides)
    return data


def test_premise_create_page_shows_errors_beside_fields_then_saves(client_for):
    # given
    client = client_for(roles.CSR_I)
    url = reverse("field_ops:premise_create")

    # when: a multi-family premise with one unit
    refused = client.post(
        url, _premise_post(premise_type=Premise.PremiseType.MULTI_FAMILY, dwelling_units="1")
    )

    # then
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_dwelling_units_error"' in html
    assert "at least two dwelling units" in html
    assert not Premise.objects.exists()

    # when: corrected
    accepted = client.post(url, _premise_post())

    # then
    premise = Premise.objects.get()
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("field_ops:premise_detail", args=[premise.pk])
    assert premise.apn == "555-123-45"


def test_premise_edit_page(client_for):
    # given
    client = client_for(roles.CSR_II)
    premise = PremiseFactory()
    url = reverse("field_ops:premise_edit", kwargs={"premise_id": premise.pk})

    # when
    form = client.get(url)
    refused = client.post(url, _premise_post(latitude="95", longitude="-117"))
    accepted = client.post(url, _premise_post(owner_name="Casa Holdings LLC"))

    # then
    assert premise.street in form.content.decode()
    assert "between -90 and 90" in refused.content.decode()
    assert accepted.status_code == 302
    premise.refresh_from_db()
    assert premise.owner_name == "Casa Holdings LLC"


def test_premise_list_filters_by_route(client_for):
    # given
    client = client_for(roles.CSR_I)
    PremiseFactory(route="R01", street="Alder St")
    PremiseFactory(route="R09", street="Birch St")

    # when
    response = client.get(reverse("field_ops:premise_list"), {"route": "r09"})

    # then
    html = response.content.decode()
    assert "Birch St" in html and "Alder St" not in html


def test_finance_may_look_but_not_create(client_for):
    client = client_for(roles.FINANCE)
    assert client.get(reverse("field_ops:premise_create")).status_code == 403
    response = client.post(reverse("field_ops:meter_create"), {"serial": "X1", "size": "1"})
    assert response.status_code == 403
    assert not Meter.objects.exists()


def test_premise_detail_shows_meters_and_history_link_in_fixed_queries(
    client_for, installed, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_I)
    premise = PremiseFactory(apn="123-456-78", tract="TR-9", lot="12", map_book="7", map_page="8")
    for _ in range(3):
        installed(premise=premise)
    url = reverse("field_ops:premise_detail", kwargs={"premise_id": premise.pk})

    # when: 9 for the session, user, permissions and menu; premise and installations; and
    # one for the accounts panel once accounts registers it
    with django_assert_max_num_queries(12):
        response = client.get(url)

    # then
    html = response.content.decode()
    assert "123-456-78" in html and "TR-9" in html
    assert reverse("history", args=["premise", premise.pk]) in html
    assert html.count("In place") == 3


def test_meter_create_page_refuses_a_duplicate_serial_then_saves(client_for):
    # given
    client = client_for(roles.CSR_I)
    MeterFactory(serial="AB123")
    url = reverse("field_ops:meter_create")
    data = {"serial": "ab123", "size": "5/8", "unit": "hcf", "multiplier": "1", "dials": "6"}

    # when
    refused = client.post(url, data)
    accepted = client.post(url, {**data, "serial": "ab124"})

    # then
    assert "already on record" in refused.content.decode()
    assert accepted.status_code == 302
    assert Meter.objects.filter(serial="AB124", status=Meter.Status.IN_STOCK).exists()


def test_meter_list_filters_stock_by_status(client_for):
    client = client_for(roles.CSR_I)
    MeterFactory(serial="STOCK1")
    MeterFactory(serial="GONE1", status=Meter.Status.RETIRED)
    html = client.get(reverse("field_ops:meter_list"), {"status": "in_stock"}).content.decode()
    assert "STOCK1" in html and "GONE1" not in html


def test_meter_list_sorts_by_a_column_and_says_which(client_for):
    # given
    client = client_for(roles.CSR_I)
    MeterFactory(serial="AA100", status=Meter.Status.RETIRED)
    MeterFactory(serial="ZZ900", status=Meter.Status.IN_STOCK)

    # when: sorted by serial, highest first; and as the page opens
    html = client.get(reverse("field_ops:meter_list"), {"sort": "-serial"}).content.decode()
    default = client.get(reverse("field_ops:meter_list")).content.decode()

    # then: the rows follow the sort, the sorted header says so, and headers are links
    assert html.index("ZZ900") < html.index("AA100")
    assert default.index("AA100") < default.index("ZZ900")
    assert 'aria-sort="descending"' in html and 'aria-sort="ascending"' in default
    assert '<a href="?sort=status">Status</a>' in html


def test_premise_list_keeps_the_filter_in_its_sort_links(client_for):
    # given
    client = client_for(roles.CSR_I)
    PremiseFactory(route="R09", street="Birch St")

    # when
    html = client.get(reverse("field_ops:premise_list"), {"route": "r09"}).content.decode()

    # then: read-route order by default, and sorting keeps the route asked for
    assert 'aria-sort="ascending"' in html
    assert 'href="?route=r09&amp;sort=city"' in html


def test_meter_detail_lists_installations_and_reads_in_fixed_queries(
    client_for, installed, monthly_reads, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_I)
    meter = installed(reading=0)
    monthly_reads(meter, [10, 20, 30, 40, 50, 60, 70, 80])
    url = reverse("field_ops:meter_detail", kwargs={"meter_id": meter.pk})

    # when: 9 for the session, user, permissions and menu; meter, installations, reads
    with django_assert_max_num_queries(12):
        response = client.get(url)

    # then
    html = response.content.decode()
    assert meter.serial in html
    assert html.count(">Correct<") == 9
    assert reverse("history", args=["meter", meter.pk]) in html


def test_meter_detail_shows_a_corrected_read_struck_through_with_its_correction(
    client_for, clerk, installed, monthly_reads
):
    # given a meter whose February read was corrected
    client = client_for(roles.CSR_I)
    meter = installed(reading=0)
    monthly_reads(meter, [10, 20, 30])
    wrong = MeterRead.objects.filter(meter=meter, reading=20).get()
    read_correct(read=wrong, reading="21", by=clerk, reason="Misread")

    # when
    html = client.get(reverse("field_ops:meter_detail", kwargs={"meter_id": meter.pk})).content
    html = html.decode()

    # then the old read is struck through and names its correction, which alone can be corrected
    assert "<del>20.00</del>" in html
    assert "Replaced by 21.00" in html
    assert html.count(">Correct<") == 4  # the install read, 10, the correction 21, and 30


def test_install_from_the_meter_page_and_from_the_premise_page(client_for):
    # given
    client = client_for(roles.CSR_I)
    first, second = MeterFactory(serial="M-1"), MeterFactory(serial="M-2")
    premise = PremiseFactory()

    # when
    unknown = client.post(
        reverse("field_ops:meter_install", kwargs={"meter_id": first.pk}),
        {"premise": "999999", "installed_on": "2025-01-02", "reading": "0"},
    )
    by_meter = client.post(
        reverse("field_ops:meter_install", kwargs={"meter_id": first.pk}),
        {"premise": str(premise.pk), "installed_on": "2025-01-02", "reading": "0"},
    )
    by_premise = client.post(
        reverse("field_ops:premise_install", kwargs={"premise_id": premise.pk}),
        {"meter": "m-2", "installed_on": "2025-01-03", "reading": "5"},
    )

    # then
    assert "No premise has that number." in unknown.content.decode()
    assert by_meter.status_code == 302 and by_premise.status_code == 302
    assert {i.meter for i in selectors.installed_meters(premise)} == {first, second}


def test_remove_page_for_a_meter_not_installed_says_so(client_for):
    client = client_for(roles.CSR_I)
    meter = MeterFactory()
    response = client.get(reverse("field_ops:meter_remove", kwargs={"meter_id": meter.pk}))
    assert response.status_code == 200
    assert "is not installed anywhere" in response.content.decode()


def test_remove_page_removes(client_for, installed):
    client = client_for(roles.CSR_I)
    meter = installed(reading=10)
    url = reverse("field_ops:meter_remove", kwargs={"meter_id": meter.pk})
    refused = client.post(url, {"removed_on": "2025-02-01", "reading": "5"})
    accepted = client.post(url, {"removed_on": "2025-02-01", "reading": "15"})
    assert "not a register rollover" in refused.content.decode()
    assert accepted.status_code == 302
    meter.refresh_from_db()
    assert meter.status == Meter.Status.REMOVED


def test_exchange_page(client_for, installed):
    # given
    client = client_for(roles.CSR_I)
    premise = PremiseFactory()
    old = installed(reading=10, premise=premise)
    MeterFactory(serial="NEW-1")
    url = reverse("field_ops:meter_exchange", kwargs={"premise_id": premise.pk})

    # when
    refused = client.post(
        url,
        {
            "old_meter": old.pk,
            "old_reading": "20",
            "new_meter": "nope",
            "new_reading": "0",
            "on_date": "2025-05-01",
        },
    )
    accepted = client.post(
        url,
        {
            "old_meter": old.pk,
            "old_reading": "20",
            "new_meter": "new-1",
            "new_reading": "0",
            "on_date": "2025-05-01",
        },
    )

    # then
    assert "No meter with serial NOPE" in refused.content.decode()
    assert accepted.status_code == 302
    assert selectors.installed_meter(premise).serial == "NEW-1"


def test_meter_status_page(client_for):
    client = client_for(roles.CSR_I)
    meter = MeterFactory()
    url = reverse("field_ops:meter_status", kwargs={"meter_id": meter.pk})
    refused = client.post(url, {"to_status": "installed"})
    accepted = client.post(url, {"to_status": "in_test"})
    assert refused.status_code == 200
    assert accepted.status_code == 302
    meter.refresh_from_db()
    assert meter.status == Meter.Status.IN_TEST


def test_read_entry_page_shows_the_previous_read_and_refuses_backwards(client_for, installed):
    # given
    client = client_for(roles.CSR_I)
    meter = installed(reading=250)
    url = reverse("field_ops:read_create", kwargs={"meter_id": meter.pk})

    # when
    page = client.get(url)
    refused = client.post(
        url, {"read_on": "2025-02-01", "reading": "200", "source": "counter", "note": ""}
    )
    accepted = client.post(
        url,
        {"read_on": "2025-02-01", "reading": "250", "source": "counter", "note": ""},
        follow=True,
    )

    # then
    assert "250.00" in page.content.decode()
    assert "not a register rollover" in refused.content.decode()
    assert "Flagged for review: Zero use" in accepted.content.decode()
    assert MeterRead.objects.filter(meter=meter).count() == 2


def test_finance_may_not_enter_reads(client_for, installed):
    meter = installed()
    client = client_for(roles.FINANCE)
    url = reverse("field_ops:read_create", kwargs={"meter_id": meter.pk})
    assert (
        client.post(url, {"read_on": "2025-02-01", "reading": "5", "source": "counter"}).status_code
        == 403
    )
    assert MeterRead.objects.filter(meter=meter).count() == 1


def test_read_correct_page(client_for, clerk, installed):
    # given
    client = client_for(roles.CSR_I)
    meter = installed(reading=100)
    read = read_record(
        meter=meter, read_on=datetime.date(2025, 2, 1), reading=900, source="route", by=clerk
    )
    url = reverse("field_ops:read_correct", kwargs={"read_id": read.pk})

    # when
    refused = client.post(url, {"reading": "109", "source": "route", "reason": ""})
    accepted = client.post(url, {"reading": "109", "source": "route", "reason": "Misread"})
    again = client.get(url)

    # then
    assert refused.status_code == 200 and 'id="id_reason_error"' in refused.content.decode()
    assert accepted.status_code == 302
    assert selectors.last_read(meter).reading == 109
    assert "already corrected" in again.content.decode()


@pytest.mark.parametrize(
    ("url_name", "make"),
    [("field_ops:premise_list", PremiseFactory), ("field_ops:meter_list", MeterFactory)],
)
def test_list_pages_run_in_fixed_queries(client_for, django_assert_max_num_queries, url_name, make):
    # given
    client = client_for(roles.CSR_I)
    make.create_batch(30)

    # when: 9 for the session, user, permissions and menu; the count and the page
    with django_assert_max_num_queries(11):
        response = client.get(reverse(url_name))

    # then
    assert response.status_code == 200
