"""The bill calculator three ways (command, staff page, API) and the rate pages around it."""

import datetime
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from billing.models import RateScheduleVersion
from billing.rates import parse_schedule
from billing.rates.impact import AccountUsage, rate_impact
from billing.rates.services import rate_version_load
from district import roles
from field_ops.consumption import first_months
from field_ops.models import Meter
from tests.factories import (
    MeterInstallationFactory,
    MeterReadFactory,
    ServiceAccountFactory,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
PPHCSD_2024 = (EXAMPLES / "pphcsd-2024-07-01.yaml").read_text()
PPHCSD_2025 = (EXAMPLES / "pphcsd-2025-07-01.yaml").read_text()
SJWD = (EXAMPLES / "sjwd-2017-05-01.yaml").read_text()

# The Phelan Pinon Hills bill worked in test_rate_real_schedules: 3/4", 35 units, one month.
BILL = {
    "customer_class": "residential",
    "meter_size": "3/4",
    "consumption": "35",
    "period_start": "2025-08-01",
    "period_end": "2025-08-31",
    "dwelling_units": "1",
}


# -- the command


def test_command_prints_every_line_and_the_total():
    # given
    out = StringIO()

    # when
    call_command(
        "bill_calculate",
        "--rates", str(EXAMPLES / "sjwd-2017-05-01.yaml"),
        "--class", "residential",
        "--meter-size", "3/4",
        "--consumption", "47",
        "--from", "2017-03-10",
        "--to", "2017-05-11",
        stdout=out,
    )  # fmt: skip

    # then: San Juan Water District's worked bill: 89.46 + 43.24 = 132.70
    lines = out.getvalue().splitlines()
    assert lines[0] == "63 days, 47 HCF; rates: sjwd-retail rates from 05/01/2017"
    assert lines[1].startswith('Base charge, 3/4" meter: 63 days x $1.42')
    assert lines[1].endswith("$89.46")
    assert lines[2].endswith("$43.24")
    assert lines[3].startswith("Total") and lines[3].endswith("$132.70")


def test_command_json_and_two_files_across_a_rate_change():
    # given
    out = StringIO()

    # when
    call_command(
        "bill_calculate",
        "--rates", str(EXAMPLES / "pphcsd-2024-07-01.yaml"),
        "--rates", str(EXAMPLES / "pphcsd-2025-07-01.yaml"),
        "--class", "residential",
        "--meter-size", "3/4",
        "--consumption", "30",
        "--from", "2025-06-16",
        "--to", "2025-07-15",
        "--json",
        stdout=out,
    )  # fmt: skip

    # then
    bill = json.loads(out.getvalue())
    assert bill["total"] == "154.21"
    assert len(bill["lines"]) == 10
    assert bill["lines"][0]["version"] == "pphcsd-water rates from 07/01/2024"
    assert sum(Decimal(line["amount"]) for line in bill["lines"]) == Decimal("154.21")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--meter-size", "5/8"], 'has no fixed charge for a 5/8" meter'),
        (["--consumption", "lots"], "--consumption: “lots” is not a number."),
        (
            ["--to", "2025-07-01", "--from", "2025-07-30"],
            "--to: The last day must be on or after the first day.",
        ),
        (["--class", "nonsense"], "--class: "),
        (["--from", "07/01/2025"], "“07/01/2025” is not a date: write it YYYY-MM-DD."),
        (["--rates", "no-such-file.yaml"], "Cannot read no-such-file.yaml"),
    ],
)
def test_command_refuses_bad_input_with_a_clear_message(arguments, message):
    # given
    options = {
        "--rates": str(EXAMPLES / "pphcsd-2025-07-01.yaml"),
        "--class": "residential",
        "--meter-size": "3/4",
        "--consumption": "10",
        "--from": "2025-07-01",
        "--to": "2025-07-30",
    }
    options.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))

    # when / then
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("bill_calculate", *[item for pair in options.items() for item in pair])


def test_command_exit_status_is_zero_on_success_and_one_on_bad_input(tmp_path):
    # given: a schedule file with a mistake
    bad = tmp_path / "bad.yaml"
    bad.write_text(SJWD.replace('tiers: [{rate: "0.92"}]', 'tiers: [{rate: "0.9.2"}]'))
    command = [sys.executable, "manage.py", "bill_calculate", "--class", "residential",
               "--meter-size", "1", "--consumption", "10", "--from", "2017-05-01", "--to", "2017-05-31"]  # fmt: skip

    # when
    good = subprocess.run(
        [*command, "--rates", str(EXAMPLES / "sjwd-2017-05-01.yaml")],
        cwd=ROOT, capture_output=True, text=True, env=os.environ, check=False,
    )  # fmt: skip
    refused = subprocess.run(
        [*command, "--rates", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )

    # then: 31 days x $1.42 = 44.02; 10 x $0.92 = 9.20; total 53.22
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines()[-1].endswith("$53.22")
    assert refused.returncode == 1
    assert "volumetric.tiers[0].rate: “0.9.2” is not a number" in refused.stderr


# -- the staff calculator page


@pytest.mark.django_db
def test_calculator_prices_a_stored_version(client_for):
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    client = client_for(roles.CSR_I)

    # when
    page = client.get(reverse("billing:calculator"), {"version": version.pk})
    response = client.post(
        reverse("billing:calculator"), {**BILL, "rates": f"version:{version.pk}"}
    )

    # then
    assert page.status_code == 200
    assert f'value="version:{version.pk}" selected' in page.content.decode()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tier 3: 6 HCF x $8.98" in html
    assert "$194.79" in html
    assert "pphcsd-water v1 (07/01/2024)" in html


@pytest.mark.django_db
def test_calculator_prices_an_uploaded_file_and_saves_nothing(client_for):
    # given
    client = client_for(roles.CSR_I)
    upload = SimpleUploadedFile("sjwd.yaml", SJWD.encode(), content_type="application/x-yaml")

    # when
    response = client.post(
        reverse("billing:calculator"),
        {
            **BILL,
            "rates_file": upload,
            "consumption": "47",
            "period_start": "2017-03-10",
            "period_end": "2017-05-11",
        },
    )

    # then
    assert "$132.70" in response.content.decode()
    assert not RateScheduleVersion.objects.exists()


@pytest.mark.django_db
def test_calculator_shows_errors_next_to_the_fields(client_for):
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    client = client_for(roles.CSR_I)

    # when: no rates chosen; then a meter the schedule does not price; then a bad file
    no_rates = client.post(reverse("billing:calculator"), BILL)
    unpriced = client.post(
        reverse("billing:calculator"),
        {**BILL, "rates": f"version:{version.pk}", "meter_size": "5/8"},
    )
    bad_file = client.post(
        reverse("billing:calculator"),
        {**BILL, "rates_file": SimpleUploadedFile("x.yaml", b"schedule: water\nname: W\n")},
    )

    # then
    assert (
        "Choose stored rates or upload a schedule file (one of them)." in no_rates.content.decode()
    )
    html = unpriced.content.decode()
    assert "has no fixed charge for a 5/8&quot; meter." in html
    assert 'id="id_meter_size"' in html and "is-invalid" in html
    assert "effective_from: required" in bad_file.content.decode()


# -- the API


@pytest.mark.django_db
def test_api_calculates_from_a_version_a_schedule_or_a_file(client_for):
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    rate_version_load(source=PPHCSD_2025, by=None)
    client = client_for(roles.CSR_I)
    url = reverse("billing:api_calculate")

    # when
    by_version = client.post(url, {**BILL, "version": version.pk}, content_type="application/json")
    by_schedule = client.post(
        url,
        {
            **BILL,
            "schedule": "pphcsd-water",
            "consumption": "30",
            "period_start": "2025-06-16",
            "period_end": "2025-07-15",
        },
        content_type="application/json",
    )
    by_file = client.post(
        url,
        {
            **BILL,
            "rates_yaml": SJWD,
            "consumption": "47",
            "period_start": "2017-03-10",
            "period_end": "2017-05-11",
        },
        content_type="application/json",
    )

    # then
    assert by_version.status_code == 200
    body = by_version.json()
    assert body["total"] == "194.79"
    assert body["lines"][1] == {
        "code": "water.tier1",
        "category": "water",
        "description": "Tier 1: 9 HCF x $3.27",
        "quantity": "9",
        "unit": "HCF",
        "rate": "3.27",
        "amount": "29.43",
        "proration": "",
        "version": "pphcsd-water v1 (07/01/2024)",
    }
    assert by_schedule.json()["total"] == "154.21"
    assert by_file.json()["total"] == "132.70"


@pytest.mark.django_db
def test_api_answers_400_with_json_errors_and_writes_nothing(client_for):
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    client = client_for(roles.CSR_I)
    url = reverse("billing:api_calculate")

    # when
    missing = client.post(url, {"version": version.pk}, content_type="application/json")
    two_sources = client.post(
        url, {**BILL, "version": version.pk, "schedule": "x"}, content_type="application/json"
    )
    unpriced = client.post(
        url, {**BILL, "version": version.pk, "meter_size": "5/8"}, content_type="application/json"
    )
    bad_yaml = client.post(
        url, {**BILL, "rates_yaml": "schedule: [x"}, content_type="application/json"
    )
    backwards = client.post(
        url,
        {**BILL, "version": version.pk, "period_end": "2025-07-01"},
        content_type="application/json",
    )

    # then
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) >= {
        "customer_class",
        "meter_size",
        "consumption",
        "period_start",
    }
    # a problem details body (RFC 9457) whose errors name the fields
    assert two_sources["Content-Type"] == "application/problem+json"
    assert two_sources.json()["status"] == 400
    assert two_sources.json()["errors"] == {
        "rates": ["Give exactly one of schedule, version or rates_yaml."]
    }
    assert unpriced.status_code == 400
    assert unpriced.json()["errors"] == {
        "meter_size": ['pphcsd-water v1 (07/01/2024) has no fixed charge for a 5/8" meter.']
    }
    assert bad_yaml.status_code == 400
    assert bad_yaml.json()["errors"]["rates"][0].startswith("line 1, column 13:")
    assert backwards.json()["errors"] == {
        "period_end": ["The last day must be on or after the first day."]
    }
    assert RateScheduleVersion.objects.count() == 1


@pytest.mark.django_db
def test_api_is_for_signed_in_staff(client, client_for):
    # given
    url = reverse("billing:api_calculate")

    # when
    anonymous = client.post(url, {}, content_type="application/json")
    customer = client_for(roles.CUSTOMER).post(url, {}, content_type="application/json")
    described = client_for(roles.FINANCE).get(url)

    # then
    assert anonymous.status_code == 401  # a program is not sent to the sign-in page
    assert customer.status_code == 403
    assert described.status_code == 200
    assert "consumption" in described.json()["fields"]


# -- rate pages


@pytest.mark.django_db
def test_loading_a_file_from_the_page_makes_a_version_once(client_for):
    # given
    client = client_for(roles.CSR_II)
    url = reverse("billing:rate_load")

    # when
    first = client.post(
        url, {"file": SimpleUploadedFile("p.yaml", PPHCSD_2024.encode()), "notes": "FY25"}
    )
    again = client.post(
        url, {"file": SimpleUploadedFile("p.yaml", PPHCSD_2024.encode())}, follow=True
    )

    # then
    version = RateScheduleVersion.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("billing:rate_version", args=[version.pk])
    assert version.created_by == client.user
    assert "This file was already loaded as pphcsd-water v1 (07/01/2024)." in again.content.decode()


@pytest.mark.django_db
def test_a_bad_file_is_shown_with_its_problems_and_nothing_is_loaded(client_for):
    # given
    client = client_for(roles.CSR_II)
    bad = PPHCSD_2024.replace('{up_to: 29, rate: "3.73"}', '{up_to: 9, rate: "3.73"}')

    # when
    response = client.post(
        reverse("billing:rate_load"), {"file": SimpleUploadedFile("p.yaml", bad.encode())}
    )

    # then
    assert response.status_code == 200
    assert (
        "volumetric.sets[0].tiers[1].up_to: must be larger than the previous tier (9)"
        in response.content.decode()
    )
    assert not RateScheduleVersion.objects.exists()


@pytest.mark.django_db
def test_only_billing_staff_load_rates_but_everyone_reads_them(client_for):
    # given
    version, _ = rate_version_load(source=PPHCSD_2024, by=None)
    clerk = client_for(roles.CSR_I)

    # when
    load = clerk.get(reverse("billing:rate_load"))
    listing = clerk.get(reverse("billing:rates"))
    detail = clerk.get(reverse("billing:rate_version", args=[version.pk]))

    # then
    assert load.status_code == 403
    assert listing.status_code == 200
    assert "Load a schedule file" not in listing.content.decode()
    html = detail.content.decode()
    assert "Chromium-6 surcharge" in html
    assert "$27.17" in html
    assert "approved December 1, 2021" in html  # the YAML as loaded
    assert 'href="/billing/rates/"' in html and 'href="/billing/calculator/"' in html  # the menu


@pytest.mark.django_db
def test_the_rate_list_takes_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    # given
    rate_version_load(source=PPHCSD_2024, by=None)
    rate_version_load(source=PPHCSD_2025, by=None)
    rate_version_load(source=SJWD, by=None)
    client = client_for(roles.CSR_I)

    # when / then
    with django_assert_max_num_queries(10):
        response = client.get(reverse("billing:rates"))
    assert response.content.decode().count("/billing/rates/versions/") == 3


@pytest.mark.django_db
def test_compare_page_shows_both_versions_and_sample_bills(client_for):
    # given
    first, _ = rate_version_load(source=PPHCSD_2024, by=None)
    second, _ = rate_version_load(source=PPHCSD_2025, by=None)
    client = client_for(roles.CSR_I)

    # when
    response = client.get(
        reverse("billing:rate_compare"),
        {"left": first.pk, "right": second.pk, "customer_class": "residential", "meter_size": "3/4",
         "consumptions": "0, 35", "dwelling_units": "1"},
    )  # fmt: skip

    # then
    html = response.content.decode()
    assert "$194.79" in html and "$206.07" in html and "$11.28 (5.8%)" in html
    assert "table-warning" in html  # changed items are marked


# -- the rate-change impact report


def test_impact_counts_accounts_up_and_down_by_class():
    # given: two residential accounts and one commercial account the schedule does not price
    old, new = parse_schedule(PPHCSD_2024), parse_schedule(PPHCSD_2025)
    month = [(datetime.date(2025, 8, 1), datetime.date(2025, 8, 31), Decimal("10"))]
    accounts = [
        AccountUsage(1, "residential", "3/4", 1, month * 3),
        AccountUsage(2, "residential", "3/4", 1, []),
        AccountUsage(3, "commercial", "3/4", 1, month),
    ]

    # when
    rows = rate_impact(
        current=old,
        proposed=new,
        accounts=accounts,
        population={"residential": 120, "commercial": 9},
        class_labels={"residential": "Residential", "commercial": "Commercial"},
    )

    # then
    # one month at 10 units: 2024: 27.17 + 9 x 3.27 + 1 x 3.73 + 9.71 = 70.04
    #                        2025: 28.81 + 9 x 3.47 + 1 x 3.96 + 9.71 = 73.71 (+3.67)
    residential, commercial = rows
    assert (residential.population, residential.sampled, residential.priced) == (120, 2, 1)
    assert (residential.up, residential.down, residential.no_reads) == (1, 0, 1)
    assert residential.average_current == Decimal("210.12")
    assert residential.average_change == Decimal("11.01")
    assert residential.change_percent == Decimal("5.2")
    assert commercial.not_priced == 1
    assert list(commercial.reasons) == [
        'pphcsd-water rates from 07/01/2024 has no water use rate for commercial customers with a 3/4" meter.'
    ]


@pytest.mark.django_db
def test_impact_report_reprices_real_accounts_reads(client_for):
    # given: a residential account with three monthly reads of 10 HCF on a 3/4" meter
    old, _ = rate_version_load(source=PPHCSD_2024, by=None)
    new, _ = rate_version_load(source=PPHCSD_2025, by=None)
    account = ServiceAccountFactory()
    firsts = first_months(months=4, as_of=timezone.localdate())
    installation = MeterInstallationFactory(
        premise=account.premise, installed_on=firsts[0], meter__size=Meter.Size.THREE_QUARTERS
    )
    for index, day in enumerate(firsts[1:], start=1):
        MeterReadFactory(meter=installation.meter, read_on=day, reading=10 * index)
    ServiceAccountFactory(customer_class="irrigation")  # no meter, no reads
    client = client_for(roles.CSR_III)

    # when
    response = client.get(
        reverse("billing:rate_impact"), {"proposed": new.pk, "current": old.pk, "per_class": "50"}
    )

    # then: 3 whole months x +3.67 = +11.01 a year (see the test above)
    html = response.content.decode()
    assert response.status_code == 200
    assert "pphcsd-water v2 (07/01/2025) against pphcsd-water v1 (07/01/2024)" in html
    assert "$210.12" in html and "$221.13" in html and "$11.01" in html
    assert "1 without reads." in html


@pytest.mark.django_db
def test_impact_report_is_for_report_readers(client_for):
    # when
    clerk = client_for(roles.CSR_I).get(reverse("billing:rate_impact"))
    finance = client_for(roles.FINANCE).get(reverse("billing:rate_impact"))

    # then
    assert clerk.status_code == 403
    assert finance.status_code == 200
