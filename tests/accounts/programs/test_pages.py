"""Program pages: who may open them, what they do, and fixed query counts on the lists."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enrolment, Program
from district import roles
from district.ledger.models import Journal
from district.ledger.purposes import Purpose
from district.ledger.services import Line, journal_post
from tests.factories import CustomerFactory, PremiseFactory, ServiceAccountFactory, new_key

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 CalFresh letter"


def _program(code):
    return Program.objects.get(code=code)


def _enrol(account, code, **fields):
    fields.setdefault("starts_on", timezone.localdate() - datetime.timedelta(days=30))
    return Enrolment.objects.create(
        account=account, program=_program(code), evidence="letter", **fields
    )


# -- access


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.CSR_I, 403), (roles.FINANCE, 403)],
)
def test_only_a_supervisor_manages_programs(client_for, role, status):
    client = client_for(role)
    assert client.get(reverse("accounts:programs")).status_code == status
    assert client.get(reverse("accounts:program_new")).status_code == status
    edit = reverse("accounts:program_edit", kwargs={"program_id": _program("wic").pk})
    assert client.get(edit).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.CSR_III, 200), (roles.SUPERVISOR, 200), (roles.CSR_II, 403), (roles.CSR_I, 403)],
)
def test_outreach_is_a_report(client_for, role, status):
    client = client_for(role)
    assert client.get(reverse("accounts:program_outreach")).status_code == status
    assert client.get(reverse("accounts:program_outreach_labels")).status_code == status


def test_account_enrolments_are_seen_by_account_viewers_and_changed_by_account_editors(
    client_for,
):
    account = ServiceAccountFactory()
    enrolment = _enrol(account, "calfresh", expires_on=timezone.localdate())
    page = reverse("accounts:account_programs", kwargs={"account_id": account.pk})
    enrol = reverse("accounts:account_program_enrol", kwargs={"account_id": account.pk})
    end = reverse("accounts:enrolment_end", kwargs={"enrolment_id": enrolment.pk})
    renew = reverse("accounts:enrolment_renew", kwargs={"enrolment_id": enrolment.pk})
    finance = client_for(roles.FINANCE)
    response = finance.get(page)
    assert response.status_code == 200 and "CalFresh" in response.content.decode()
    assert "Renew" not in response.content.decode()
    for url in (enrol, end, renew):
        assert finance.get(url).status_code == 403
    csr = client_for(roles.CSR_I)
    for url in (page, enrol, end, renew):
        assert csr.get(url).status_code == 200
    assert client_for(roles.FIELD_TECHNICIAN).get(page).status_code == 403


# -- enrol, end, renew through the pages


def test_a_csr_enrols_with_a_copy_of_the_evidence_and_can_open_it(client_for):
    # given
    account = ServiceAccountFactory()
    client = client_for(roles.CSR_I)
    url = reverse("accounts:account_program_enrol", kwargs={"account_id": account.pk})
    # when
    response = client.post(
        url,
        {
            "program": _program("calfresh").pk,
            "starts_on": "2026-03-01",
            "evidence": "CalFresh notice",
            "evidence_file": SimpleUploadedFile("notice.pdf", PDF),
            "household_size": "",
            "annual_income": "",
        },
    )
    # then
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(account=account)
    assert (enrolment.starts_on, enrolment.expires_on) == (
        datetime.date(2026, 3, 1),
        datetime.date(2027, 3, 1),
    )
    evidence = reverse("accounts:enrolment_evidence", kwargs={"enrolment_id": enrolment.pk})
    download = client.get(evidence)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert client_for(roles.FINANCE).get(evidence).status_code == 403


def test_an_upload_that_is_not_a_document_is_refused_next_to_the_field(client_for):
    account = ServiceAccountFactory()
    client = client_for(roles.CSR_I)
    response = client.post(
        reverse("accounts:account_program_enrol", kwargs={"account_id": account.pk}),
        {
            "program": _program("calfresh").pk,
            "starts_on": "2026-03-01",
            "evidence_file": SimpleUploadedFile("notice.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 400
    assert "That file is not a photo (JPEG, PNG or HEIC) or a PDF" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_ending_without_a_reason_is_refused_and_with_one_ends(client_for):
    account = ServiceAccountFactory()
    enrolment = _enrol(account, "wic")
    client = client_for(roles.CSR_I)
    url = reverse("accounts:enrolment_end", kwargs={"enrolment_id": enrolment.pk})
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"reason": "", "on": today})
    assert refused.status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.is_active
    done = client.post(url, {"reason": "No longer on WIC", "on": today})
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "ended" and enrolment.end_reason == "No longer on WIC"


def test_a_renewal_through_the_page(client_for):
    account = ServiceAccountFactory()
    today = timezone.localdate()
    enrolment = _enrol(
        account, "calfresh", starts_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=65),
    )  # fmt: skip
    client = client_for(roles.CSR_I)
    response = client.post(
        reverse("accounts:enrolment_renew", kwargs={"enrolment_id": enrolment.pk}),
        {"evidence": "New CalFresh letter", "household_size": "", "annual_income": ""},
    )
    assert response.status_code == 302
    renewal = Enrolment.objects.get(renewal_of=enrolment)
    assert renewal.starts_on == today + datetime.timedelta(days=65)


def test_a_supervisor_adds_a_program(client_for):
    client = client_for(roles.SUPERVISOR)
    response = client.post(
        reverse("accounts:program_new"),
        {
            "code": "veterans",
            "name": "Veterans discount",
            "kind": "other",
            "description": "",
            "benefit": "percent_discount",
            "benefit_amount": "10",
            "requires_evidence": "on",
            "max_enrolment_months": "24",
            "active": "on",
        },
    )
    assert response.status_code == 302
    program = _program("veterans")
    assert (program.benefit_amount, program.income_qualifying) == (Decimal("10.00"), False)
    assert program.updated_by == client.user


# -- the account page panel


def test_the_account_page_shows_the_programs_panel(client_for):
    account = ServiceAccountFactory()
    _enrol(account, "senior-discount", expires_on=datetime.date(2030, 1, 1))
    page = client_for(roles.CSR_I).get(
        reverse(
            "accounts:account_panel", kwargs={"account_id": account.pk, "panel_key": "programs"}
        )
    )
    html = page.content.decode()
    assert "Assistance programs" in html
    assert "Senior discount" in html and "expires 01/01/2030" in html
    assert reverse("accounts:account_program_enrol", kwargs={"account_id": account.pk}) in html


# -- outreach


def _late_penalty(account, on):
    journal_post(
        kind=Journal.Kind.FEE,
        memo="Late penalty",
        lines=[
            Line(Purpose.AR_CUSTOMERS, Decimal("5.00"), account.pk),
            Line(Purpose.FEES_LATE, Decimal("-5.00")),
        ],
        by=None,
        idempotency_key=new_key("late"),
        effective_date=on,
    )


def _account(first, last, *, language="en", mailing=True, zip_code="92001", **account):
    fields = {"first_name": first, "last_name": last, "language": language}
    if mailing:
        fields |= {
            "mailing_line1": f"PO Box {len(last)}",
            "mailing_city": "Mesa Verde",
            "mailing_state": "CA",
            "mailing_zip": zip_code,
        }
    premise = PremiseFactory(house_number="12", street="Oak Ave", zip_code="92002")
    return ServiceAccountFactory(customer=CustomerFactory(**fields), premise=premise, **account)


def test_outreach_labels_of_the_enrolled_are_exact(client_for):
    # given two enrolled (one without a mailing address), one not
    today = timezone.localdate()
    garcia = _account("Ana", "Garcia", language="es", zip_code="92003")
    nguyen = _account("Binh", "Nguyen", language="vi", mailing=False)
    _account("Carl", "Smith")
    _enrol(garcia, "low-income-assistance")
    _enrol(nguyen, "low-income-assistance", expires_on=today + datetime.timedelta(days=10))
    client = client_for(roles.CSR_III)
    query = f"?program={_program('low-income-assistance').pk}&which=enrolled&days=60"
    # when
    response = client.get(reverse("accounts:program_outreach_labels") + query)
    # then: sorted by ZIP; the service address stands in for a missing mailing address
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="outreach-low-income-assistance-enrolled.csv"'
    )
    assert response.content.decode() == (
        "name,address_line1,address_line2,city,state,zip,language\r\n"
        "Binh Nguyen,12 Oak Ave,,Mesa Verde,CA,92002,Vietnamese\r\n"
        "Ana Garcia,PO Box 6,,Mesa Verde,CA,92003,Spanish\r\n"
    )
    # the expiring list holds only the one expiring within 60 days
    expiring = client.get(
        reverse("accounts:program_outreach_labels") + query.replace("enrolled", "expiring")
    )
    assert expiring.content.decode().splitlines()[1:] == [
        "Binh Nguyen,12 Oak Ave,,Mesa Verde,CA,92002,Vietnamese"
    ]


def test_likely_eligible_are_residential_late_payers_not_enrolled(client_for):
    today = timezone.localdate()
    late = _account("Dora", "Late")
    once = _account("Eli", "Once")
    enrolled = _account("Fay", "Enrolled")
    business = _account("Gus", "Shop", customer_class="commercial")
    for account in (late, enrolled, business):
        _late_penalty(account, today - datetime.timedelta(days=40))
        _late_penalty(account, today - datetime.timedelta(days=10))
    _late_penalty(once, today - datetime.timedelta(days=10))
    _late_penalty(once, today - datetime.timedelta(days=400))  # too long ago
    _enrol(enrolled, "calfresh")
    client = client_for(roles.CSR_III)
    query = f"?program={_program('calfresh').pk}&which=likely"
    response = client.get(reverse("accounts:program_outreach_labels") + query)
    assert response.content.decode().splitlines()[1:] == [
        "Dora Late,PO Box 4,,Mesa Verde,CA,92001,English"
    ]


@pytest.mark.parametrize("count", [2, 8])
def test_the_outreach_page_takes_a_fixed_number_of_queries(
    client_for, count, django_assert_max_num_queries
):
    # given
    program = _program("senior-discount")
    for n in range(count):
        _enrol(_account("Hal", f"Old{n}"), "senior-discount")
    client = client_for(roles.CSR_III)
    url = reverse("accounts:program_outreach") + f"?program={program.pk}&which=enrolled"
    client.get(url)  # warms the session and permissions
    # when / then: the session and its save, the user, role and permissions (5), the program
    # chosen, the program choices shown, the list (one query) and the page's menu and panels:
    # the same for 2 and 8 accounts
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert f"{count} accounts." in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_an_accounts_enrolments_page_takes_a_fixed_number_of_queries(
    client_for, count, django_assert_max_num_queries
):
    # given an account with `count` enrolments, each by a different CSR
    account = ServiceAccountFactory()
    codes = ["calfresh", "wic", "medi-cal", "liheap", "calworks", "ssi-ssp"][:count]
    for code in codes:
        _enrol(account, code, enrolled_by=client_for(roles.CSR_I).user)
    client = client_for(roles.CSR_II)
    url = reverse("accounts:account_programs", kwargs={"account_id": account.pk})
    client.get(url)
    # when / then: the session and its save (3 with the savepoint), user, role and
    # permissions (4), the account and its meters (2), the enrolments with their programs
    # and people (1)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count("Renew<span") == 0  # none expires
    assert response.status_code == 200
