"""One date format for people across the portal: MM/DD/YYYY on screens, ISO 8601 only in files
and in the values of date inputs."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerFlag
from district import roles
from district.ledger.models import Journal
from district.ledger.services import Line, journal_post
from tests.factories import (
    MeterInstallationFactory,
    MeterReadFactory,
    ServiceAccountFactory,
)

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _VisibleText(HTMLParser):
    """The text a person reads: not scripts, styles or templates, not attribute values (URLs,
    <time datetime>, input values are for machines)."""

    HIDDEN = {"script", "style", "template", "title"}

    def __init__(self):
        super().__init__()
        self.hidden_depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.chunks)


def _render(template: str, **context) -> str:
    return Template("{% load l10n %}" + template).render(Context(context))


# -- the formats


def test_a_date_shown_without_a_format_reads_mm_dd_yyyy():
    # given
    day = datetime.date(2026, 3, 4)
    # when / then
    assert _render("{{ day }}", day=day) == "03/04/2026"
    assert _render("{{ day|date }}", day=day) == "03/04/2026"
    assert _render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=day) == "03/04/2026"


def test_a_date_and_time_shown_without_a_format_reads_mm_dd_yyyy_and_12_hour_clock():
    # given
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 5))
    # when
    shown = _render("{{ moment }}", moment=moment)
    # then
    assert shown.startswith("03/04/2026 3:05 p")


def test_a_date_input_still_takes_and_shows_iso_8601():
    # given: a form with a date field (its input is type=date in the browser)
    from django import forms

    class DayForm(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    # when
    bound = DayForm({"day": "2026-03-04"})
    unbound = DayForm(initial={"day": datetime.date(2026, 3, 4)})
    # then
    assert bound.is_valid() and bound.cleaned_data["day"] == datetime.date(2026, 3, 4)
    assert 'value="2026-03-04"' in str(unbound["day"])
    assert DayForm({"day": "03/04/2026"}).is_valid()


def test_a_journal_names_its_date_as_people_read_it():
    # given
    journal = Journal(pk=7, kind=Journal.Kind.BILL, effective_date=datetime.date(2026, 3, 4))
    # when / then
    assert str(journal).endswith("03/04/2026")


def test_the_visible_text_ignores_attributes_and_scripts():
    # given
    html = (
        '<a href="?date=2026-03-04">03/04/2026</a><time datetime="2026-03-04">x</time>'
        '<input type="date" value="2026-03-04"><script>var d = "2026-03-04";</script>'
    )
    # when / then
    assert ISO_DATE.search(visible_text(html)) is None
    assert ISO_DATE.search(visible_text("<p>2026-03-04</p>")) is not None


# -- the pages


@pytest.fixture
def account_with_history(make_user):
    clerk = make_user(roles.SUPERVISOR, username="dates-clerk")
    today = timezone.localdate()
    account = ServiceAccountFactory(start_date=today - datetime.timedelta(days=400))
    installation = MeterInstallationFactory(
        premise=account.premise, installed_on=today - datetime.timedelta(days=400)
    )
    for months_ago in range(6, 0, -1):
        MeterReadFactory(
            meter=installation.meter,
            read_on=today - datetime.timedelta(days=30 * months_ago),
            reading=10 * (7 - months_ago),
        )
    CustomerFlag.objects.create(
        customer=account.customer, flag=CustomerFlag.Flag.CASH_ONLY, reason="Dog", set_by=clerk
    )
    journal = journal_post(
        kind="bill",
        memo="Bill",
        lines=[
            Line("ar_customers", Decimal("42.10"), account.pk),
            Line("water_sales_volumetric", Decimal("-42.10")),
        ],
        by=clerk,
        idempotency_key=f"dates-bill-{account.pk}",
        effective_date=today - datetime.timedelta(days=10),
    )
    return account, journal


def test_key_pages_show_no_iso_dates(client_for, account_with_history):
    # given
    account, journal = account_with_history
    client = client_for(roles.SUPERVISOR)
    pages = [
        reverse("accounts:account_detail", kwargs={"account_id": account.pk}),
        reverse("accounts:account_activity", kwargs={"account_id": account.pk}),
        reverse("ledger:journal", args=[journal.pk]),
        reverse("ledger:trial_balance"),
        reverse("history", args=["account", account.pk]),
        reverse("policies"),
        reverse("accounts:deposit_guidelines"),
        reverse("payments:cash_day"),
        reverse("field_ops:dispatch_board"),
    ]
    # when
    answers = {url: client.get(url) for url in pages}
    # then
    assert {url: answer.status_code for url, answer in answers.items()} == dict.fromkeys(pages, 200)
    found = {
        url: ISO_DATE.findall(visible_text(answer.content.decode()))
        for url, answer in answers.items()
    }
    assert found == {url: [] for url in pages}
