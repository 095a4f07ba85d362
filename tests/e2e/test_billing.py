"""The billing issue end to end in a browser: a CSR II enters a route's reads with the keyboard
(one abnormally high, confirmed with a second Enter); a supervisor starts the bill run, sends the
high-use exception for a re-read, the re-read is completed and the held bill recalculated; the
supervisor posts the run and opens a bill and its PDF. axe-core checks every page visited."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import Bill, BillException, BillRun
from district import roles
from field_ops.completion import specs as completion_specs
from field_ops.models import MeterRead, WorkOrder
from field_ops.work_orders.services import work_order_complete
from portal.models import AccountLink
from tests.billing.factories import BILLED_ROUTE, account_with_meter, build_billed_route, make_bill

D = datetime.date
READ_DAY = D(2026, 1, 28)  # in the January 2026 period's read window
# After the read window (02/01): a re-read dated inside the window is billed against the misread
# instead of the December read (reported: billing.bill_runs.calculation._bounding_reads).
RE_READ_DAY = D(2026, 2, 5)


@pytest.fixture
def world(make_user):
    return build_billed_route(make_user)


def test_reads_to_a_posted_run_and_a_bill_pdf(
    page, world, sign_in, assert_accessible, make_user, monkeypatch
):
    (first_account, first), (high_account, high), (third_account, third) = world["in_order"]

    # given: a CSR II enters the route's reads with the keyboard; the second is far too high
    sign_in(page, roles.CSR_II)
    page.goto("/billing/reads/")
    assert_accessible(page)
    page.goto(f"/billing/reads/route/{BILLED_ROUTE}/?date={READ_DAY.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Route {BILLED_ROUTE}")
    expect(page.get_by_label(f"Reading of meter {first.serial}")).to_be_focused()
    assert_accessible(page)
    page.keyboard.type("1131")
    page.keyboard.press("Enter")
    expect(page.get_by_label(f"Reading of meter {high.serial}")).to_be_focused()
    page.keyboard.type("1150")
    page.keyboard.press("Enter")
    expect(page.locator(f"#result-{high.pk}")).to_contain_text("Check: High")
    assert_accessible(page)
    page.keyboard.press("Enter")  # the second Enter saves it as read
    expect(page.get_by_label(f"Reading of meter {third.serial}")).to_be_focused()
    page.keyboard.type("1129")
    page.keyboard.press("Enter")
    expect(page.locator("#grid-status")).to_contain_text("Saved 1,129")
    expect(page.get_by_test_id("read-progress")).to_have_text("3 of 3")  # counted as saved
    assert MeterRead.objects.filter(read_on=READ_DAY).count() == 3
    page.context.clear_cookies()  # signs out

    # when: a supervisor starts the bill run; it calculates (eagerly) and stops in audit
    supervisor = sign_in(page, roles.SUPERVISOR)
    page.goto("/billing/runs/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the bill run").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bill run")
    expect(page.locator("#run-progress")).to_contain_text("Status: In audit")
    run = BillRun.objects.get(period=world["period"])
    assert run.status == BillRun.Status.AUDIT and run.bills_calculated == 3
    exception = BillException.objects.get(run=run, kind=BillException.Kind.HIGH_USE)
    assert exception.account == high_account and exception.blocking
    blocking = BillException.objects.filter(run=run, blocking=True, status="open")
    assert list(blocking) == [exception]
    expect(page.get_by_role("button", name="Post with override")).to_be_visible()
    assert_accessible(page)

    # and asks the field for a re-read of the high one
    row = page.locator(
        "table[aria-labelledby='kind-high_use'] tr", has_text=high_account.formatted_number
    )
    row.get_by_role("button", name="Request re-read").click()
    expect(page.locator("body")).to_contain_text("Re-read")
    exception.refresh_from_db()
    order = exception.work_order
    assert order is not None and order.order_type == WorkOrder.Type.RE_READ
    assert Bill.objects.get(run=run, account=high_account).status == Bill.Status.HELD
    assert_accessible(page)

    # and the technician reads the meter again the next day: the high use is real
    technician = make_user(roles.FIELD_TECHNICIAN, username="tech")
    WorkOrder.objects.filter(pk=order.pk).update(status="dispatched", assigned_to=technician)
    order.refresh_from_db()
    monkeypatch.setattr(completion_specs, "_today", lambda: RE_READ_DAY)
    work_order_complete(work_order=order, by=technician, data={"reading": "1151"})

    # then: the held bill is recalculated and released, the exception resolved
    held = Bill.objects.get(run=run, account=high_account)
    assert held.status == Bill.Status.CALCULATED
    assert held.consumption == Decimal("31.00")
    exception.refresh_from_db()
    assert exception.status == BillException.Status.RESOLVED

    # when: the supervisor posts the run without an override
    page.reload()
    page.get_by_role("button", name="Post 3 bills").click()
    expect(page.locator("#run-progress")).to_contain_text("Posted")
    run.refresh_from_db()
    assert run.status == BillRun.Status.POSTED and not run.override_reason
    assert run.posted_by == supervisor
    assert set(Bill.objects.filter(run=run).values_list("status", flat=True)) == {"posted"}
    assert_accessible(page)

    # then: the account page lists the bill; its page and its PDF open
    bill = Bill.objects.get(run=run, account=high_account)
    page.goto(f"/account/{high_account.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=bill.number, exact=True).click()
    expect(page.get_by_role("link", name="Open the PDF")).to_be_visible()
    assert_accessible(page)
    pdf_url = page.get_by_role("link", name="Open the PDF").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_a_customer_opens_their_bill_from_the_portal(
    page, sign_in, assert_accessible, settings, tmp_path
):
    """The paperless email's link: the customer's bills, one bill, its PDF; not another's."""
    settings.MEDIA_ROOT = tmp_path
    # given a customer whose account has a posted bill, and another customer's bill
    account, meter = account_with_meter()
    bill = make_bill(account, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31),
                     consumption=Decimal("9"), meter=meter, reading=Decimal("109"))  # fmt: skip
    other, _ = account_with_meter()
    theirs = make_bill(other, period_start=D(2026, 1, 1), period_end=D(2026, 1, 31),
                       consumption=Decimal("5"))  # fmt: skip
    user = sign_in(page, roles.CUSTOMER)
    AccountLink.objects.create(user=user, service_account=account, method="staff")
    # when they open their bills
    page.goto("/portal/bills/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My bills")
    assert_accessible(page)
    page.get_by_role("link", name=f"Bill {bill.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(bill.number)
    assert_accessible(page)
    # then the PDF opens, and another customer's bill is not found
    pdf_url = page.get_by_role("link", name="Open the bill (PDF)").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.request.get(f"/portal/bills/{theirs.pk}/").status == 404
