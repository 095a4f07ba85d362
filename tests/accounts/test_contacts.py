"""The contact log: logging and its refusals, referral queues, the account timeline, the
account page's quick entry (htmx), reception, and who may open which page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.contacts import selectors
from accounts.contacts.services import contact_log, referral_done
from accounts.models import Contact, Department
from district import roles
from field_ops.models import WorkOrder
from tests.factories import CustomerFactory, ServiceAccountFactory, post_bill, post_payment

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _department(name="Engineering") -> Department:
    return Department.objects.get(name=name)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# -- contact_log


def test_a_contact_on_an_account_is_also_on_its_customer(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    # when
    contact = contact_log(
        channel=Contact.Channel.PHONE,
        reason=Contact.Reason.HIGH_BILL,
        notes="  Asked why the bill doubled.  ",
        account=account,
        by=clerk,
    )
    # then
    contact.refresh_from_db()
    assert contact.customer_id == account.customer_id
    assert contact.account_id == account.pk
    assert contact.notes == "Asked why the bill doubled."
    assert contact.logged_by == clerk
    assert contact.referral_done_at is None


def test_a_visitor_without_an_account_is_logged_by_name(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    # when
    contact = contact_log(
        channel=Contact.Channel.COUNTER,
        reason=Contact.Reason.GENERAL,
        visitor_name="  Pat Doe ",
        by=clerk,
    )
    # then
    assert contact.visitor_name == "Pat Doe"
    assert contact.customer is None and contact.account is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "visitor_name", "Pick the customer or account, or type the visitor's name."),
        ({"visitor_name": "   "}, "visitor_name", "type the visitor's name"),
        ({"visitor_name": "Pat", "channel": "fax"}, "channel", "Choose how"),
        ({"visitor_name": "Pat", "reason": "gossip"}, "reason", "Choose what"),
        ({"visitor_name": "Pat", "reason": "other"}, "notes", "Say what the contact was about."),
        ({"visitor_name": "P" * 121}, "visitor_name", "too long"),
        ({"visitor_name": "Pat", "notes": "x" * 10_001}, "notes", "too long"),
    ],
)
def test_a_contact_that_says_too_little_is_refused_and_nothing_is_written(
    make_user, fields, field, message
):
    # given
    clerk = make_user(roles.CSR_I)
    arguments = {"channel": "phone", "reason": "general", **fields}
    # when
    with pytest.raises(ValidationError) as refused:
        contact_log(by=clerk, **arguments)
    # then
    assert message in " ".join(refused.value.message_dict[field])
    assert Contact.objects.count() == 0


def test_an_account_of_another_customer_is_refused(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    someone_else = CustomerFactory()
    # when
    with pytest.raises(ValidationError) as refused:
        contact_log(
            channel="phone", reason="billing", customer=someone_else, account=account, by=clerk
        )
    # then
    assert "belongs to another customer" in refused.value.message_dict["account"][0]
    assert Contact.objects.count() == 0


def test_a_referral_needs_a_note_a_staff_member_and_an_open_department(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    engineer = make_user(roles.CSR_III)
    customer_user = make_user(roles.CUSTOMER)
    closed = Department.objects.create(name="Old Annex", is_active=False)
    account = ServiceAccountFactory()
    # when
    with pytest.raises(ValidationError) as no_note:
        contact_log(
            channel="phone", reason="leak", account=account, referred_to_user=engineer, by=clerk
        )
    with pytest.raises(ValidationError) as not_staff:
        contact_log(
            channel="phone",
            reason="leak",
            account=account,
            notes="Call back",
            referred_to_user=customer_user,
            by=clerk,
        )
    with pytest.raises(ValidationError) as inactive:
        contact_log(
            channel="phone",
            reason="leak",
            account=account,
            notes="Call back",
            referred_to_department=closed,
            by=clerk,
        )
    # then
    assert "Say what the referral is for" in no_note.value.message_dict["notes"][0]
    assert "not on the district staff" in not_staff.value.message_dict["referred_to_user"][0]
    assert "no longer takes referrals" in inactive.value.message_dict["referred_to_department"][0]
    assert Contact.objects.count() == 0


# -- referrals


def test_a_referral_shows_in_the_queue_of_the_person_and_of_the_department_members(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    lead = make_user(roles.CSR_III)
    engineer = make_user(roles.CSR_II)
    bystander = make_user(roles.CSR_II)
    engineering = _department("Engineering")
    engineering.members.add(engineer)
    account = ServiceAccountFactory()
    # when
    to_lead = contact_log(
        channel="phone",
        reason="complaint",
        account=account,
        notes="Wants a call back",
        referred_to_user=lead,
        by=clerk,
    )
    to_engineering = contact_log(
        channel="counter",
        reason="quality",
        visitor_name="Pat Doe",
        notes="Low pressure on Elm",
        referred_to_department=engineering,
        by=clerk,
    )
    contact_log(channel="phone", reason="billing", account=account, by=clerk)  # no referral
    # then
    assert selectors.referrals_for(lead) == [to_lead]
    assert selectors.referrals_for(engineer) == [to_engineering]
    assert selectors.referrals_for(bystander) == []
    assert selectors.referral_count_for(engineer) == 1
    assert selectors.recent_referrals() == [to_engineering, to_lead]


def test_referral_done_takes_it_off_the_queue(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    engineer = make_user(roles.CSR_II)
    _department("Engineering").members.add(engineer)
    contact = contact_log(
        channel="counter",
        reason="quality",
        visitor_name="Pat Doe",
        notes="Low pressure",
        referred_to_department=_department("Engineering"),
        by=clerk,
    )
    # when
    referral_done(contact=contact, by=engineer)
    # then
    contact.refresh_from_db()
    assert contact.referral_done_at is not None
    assert selectors.referrals_for(engineer) == []


def test_only_the_person_the_office_or_a_supervisor_may_mark_a_referral_done(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    lead = make_user(roles.CSR_III)
    supervisor = make_user(roles.SUPERVISOR)
    contact = contact_log(
        channel="phone",
        reason="complaint",
        visitor_name="Pat Doe",
        notes="Call back",
        referred_to_user=lead,
        by=clerk,
    )
    # when
    with pytest.raises(ValidationError) as refused:
        referral_done(contact=contact, by=clerk)
    # then
    assert "Only the person or office" in refused.value.message_dict["contact"][0]
    contact.refresh_from_db()
    assert contact.referral_done_at is None
    # and a supervisor may
    referral_done(contact=contact, by=supervisor)
    contact.refresh_from_db()
    assert contact.referral_done_at is not None


def test_a_referral_is_done_once_and_a_plain_contact_has_none(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    lead = make_user(roles.CSR_III)
    referred = contact_log(
        channel="phone",
        reason="complaint",
        visitor_name="Pat",
        notes="Call back",
        referred_to_user=lead,
        by=clerk,
    )
    plain = contact_log(channel="phone", reason="general", visitor_name="Sam", by=clerk)
    referral_done(contact=referred, by=lead)
    referred.refresh_from_db()
    first_done_at = referred.referral_done_at
    # when
    with pytest.raises(ValidationError) as again:
        referral_done(contact=referred, by=lead)
    with pytest.raises(ValidationError) as not_referred:
        referral_done(contact=plain, by=lead)
    # then
    assert "already done" in again.value.message_dict["contact"][0]
    assert "not referred" in not_referred.value.message_dict["contact"][0]
    referred.refresh_from_db()
    plain.refresh_from_db()
    assert referred.referral_done_at == first_done_at
    assert plain.referral_done_at is None


# -- the account timeline


def test_the_timeline_merges_contacts_ledger_lines_and_work_orders_newest_first(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    other_account = ServiceAccountFactory(customer=account.customer)
    today = timezone.localdate()
    day = [today - datetime.timedelta(days=days) for days in range(6)]
    post_bill(account, "80.00", day[5], memo="Bill")
    old_call = Contact.objects.create(
        channel="phone", reason="billing", account=account, customer=account.customer,
        notes="Old call", logged_by=clerk, logged_at=_at(day[4], 9),
    )  # fmt: skip
    WorkOrder.objects.create(
        order_type="leak", premise=account.premise, service_account_id=account.pk,
        requested_date=day[3], created_at=_at(day[3], 10),
    )  # fmt: skip
    customer_call = Contact.objects.create(
        channel="email", reason="general", customer=account.customer,
        notes="About every account", logged_by=clerk, logged_at=_at(day[2], 11),
    )  # fmt: skip
    post_payment(account, "80.00", day[1], memo="Payment, thank you")
    Contact.objects.create(
        channel="phone", reason="leak", account=other_account, customer=account.customer,
        notes="Other account", logged_by=clerk, logged_at=_at(day[0], 8),
    )  # fmt: skip
    newest = contact_log(
        channel="counter", reason="payment", notes="Paid at the counter", account=account, by=clerk
    )
    # when
    entries = selectors.account_timeline(account, user=clerk)
    # then
    assert [(entry.kind, entry.summary) for entry in entries] == [
        ("contact", newest.get_reason_display()),
        ("ledger", "Payment, thank you"),
        ("contact", customer_call.get_reason_display()),
        ("work_order", entries[3].summary),
        ("contact", old_call.get_reason_display()),
        ("ledger", "Bill"),
    ]
    assert entries[3].summary.endswith("Leak investigation (new)")
    assert entries[1].amount == Decimal("-80.00")
    assert entries[0].kind_label == "Counter contact"


def test_the_timeline_keeps_the_latest_entries_only(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    start = timezone.localdate() - datetime.timedelta(days=40)
    for index in range(30):
        post_bill(account, f"{10 + index}.00", start + datetime.timedelta(days=index), memo="Bill")
    latest = contact_log(channel="phone", reason="general", account=account, by=clerk)
    # when
    entries = selectors.account_timeline(account, user=clerk, limit=10)
    # then
    assert len(entries) == 10
    assert entries[0].summary == latest.get_reason_display()
    assert [entry.summary for entry in entries[1:]] == ["Bill"] * 9
    assert entries[1].amount == Decimal("39.00")


def _history(account, clerk, size: int):
    start = timezone.localdate() - datetime.timedelta(days=size + 1)
    for index in range(size):
        on = start + datetime.timedelta(days=index)
        post_bill(account, f"{20 + index}.00", on, memo="Bill")
        Contact.objects.create(
            channel="phone", reason="general", account=account, customer=account.customer,
            logged_by=clerk, logged_at=_at(on, 9),
        )  # fmt: skip
        WorkOrder.objects.create(
            order_type="other", premise=account.premise, service_account_id=account.pk,
            requested_date=on, created_at=_at(on, 10), created_by=clerk,
        )  # fmt: skip


def test_the_timeline_takes_three_queries_however_long_the_history(
    make_user, django_assert_num_queries
):
    # given
    clerk = make_user(roles.CSR_I)
    short, long = ServiceAccountFactory(), ServiceAccountFactory()
    _history(short, clerk, 2)
    _history(long, clerk, 40)
    clerk.has_perm(roles.Perm.VIEW_LEDGER)  # the permission cache is the request's, not ours
    # when / then
    with django_assert_num_queries(3):
        few = selectors.account_timeline(short, user=clerk)
    with django_assert_num_queries(3):
        many = selectors.account_timeline(long, user=clerk)
    assert len(few) == 6
    assert len(many) == selectors.TIMELINE_ENTRIES


# -- the account page: quick entry


def test_the_account_page_has_the_quick_entry_and_the_timeline(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    contact_log(channel="phone", reason="leak", notes="Drip at the meter", account=account, by=None)
    # when
    html = client.get(reverse("accounts:account_detail", args=[account.pk])).content.decode()
    # then
    assert 'id="panel-contact_log"' in html
    assert 'aria-keyshortcuts="c"' in html
    assert 'hx-post="/account/' in html
    assert "js/contacts.js" in html
    assert 'id="panel-timeline"' in html
    assert "Drip at the meter" in html
    assert f"/cases/new/?account={account.pk}" in html


def test_quick_entry_logs_and_answers_the_panel_with_the_new_contact_on_top(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    contact_log(channel="email", reason="general", notes="Earlier", account=account, by=None)
    url = reverse("accounts:account_contacts", args=[account.pk])
    # when
    response = client.post(
        url, {"notes": "Asked about autopay", "reason": "payment", "channel": "phone"}, **HTMX
    )
    # then
    assert response.status_code == 200
    contact = Contact.objects.get(notes="Asked about autopay")
    assert (contact.account, contact.customer) == (account, account.customer)
    assert contact.logged_by == client.user
    html = response.content.decode()
    assert html.index("Asked about autopay") < html.index("Earlier")
    assert 'id="contact-log-body"' in html
    assert 'id="account-timeline" hx-swap-oob="true"' in html
    assert "Contact logged: Phone: Payment." in html
    assert "<html" not in html  # a fragment, not a page


def test_quick_entry_shows_a_refusal_beside_the_note_and_writes_nothing(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    url = reverse("accounts:account_contacts", args=[account.pk])
    # when
    response = client.post(url, {"notes": "", "reason": "other", "channel": "phone"}, **HTMX)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say what the contact was about." in html
    assert 'aria-invalid="true"' in html
    assert "hx-swap-oob" not in html
    assert Contact.objects.count() == 0


def test_quick_entry_without_javascript_goes_back_to_the_account(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    url = reverse("accounts:account_contacts", args=[account.pk])
    # when
    response = client.post(url, {"notes": "Walk-in", "reason": "general", "channel": "counter"})
    # then
    assert response.status_code == 302
    assert response.url == reverse("accounts:account_detail", args=[account.pk])
    assert Contact.objects.get().channel == "counter"


def test_the_contacts_page_lists_every_contact_of_the_account(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    for index in range(5):
        contact_log(
            channel="phone", reason="general", notes=f"Call {index}", account=account, by=None
        )
    # when
    response = client.get(reverse("accounts:account_contacts", args=[account.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert all(f"Call {index}" in html for index in range(5))


# -- reception


def test_reception_logs_a_call_on_a_typed_account_and_refers_it(client_for, make_user):
    # given
    client = client_for(roles.CSR_I)
    lead = make_user(roles.CSR_III)
    account = ServiceAccountFactory()
    # when
    response = client.post(
        reverse("accounts:reception"),
        {
            "account": account.formatted_number,
            "channel": "phone",
            "reason": "complaint",
            "notes": "Wants the supervisor",
            "referred_to_user": lead.pk,
        },
        follow=True,
    )
    # then
    contact = Contact.objects.get()
    assert (contact.account, contact.referred_to_user, contact.channel) == (account, lead, "phone")
    assert "referred to" in response.content.decode()
    assert selectors.referrals_for(lead) == [contact]


def test_reception_refuses_a_mistyped_account_and_writes_nothing(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    wrong = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)
    # when
    response = client.post(
        reverse("accounts:reception"), {"account": wrong, "channel": "counter", "reason": "general"}
    )
    # then
    assert response.status_code == 200
    assert "check digit does not match" in response.content.decode()
    assert Contact.objects.count() == 0


def test_reception_asks_for_a_name_when_there_is_no_account(client_for):
    # given
    client = client_for(roles.CSR_I)
    # when
    response = client.post(
        reverse("accounts:reception"), {"channel": "counter", "reason": "general"}
    )
    # then
    assert "type the visitor&#x27;s name" in response.content.decode()
    assert Contact.objects.count() == 0


def test_reception_finds_accounts_to_pick(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory(customer=CustomerFactory(last_name="Quintero"))
    # when
    live = client.get(reverse("accounts:reception"), {"q": "quintero"}, **HTMX)
    picked = client.get(reverse("accounts:reception"), {"account": account.formatted_number})
    # then
    assert f'data-pick-account="{account.formatted_number}"' in live.content.decode()
    assert "<html" not in live.content.decode()
    assert f'value="{account.formatted_number}"' in picked.content.decode()


def test_reception_lists_recent_referrals(client_for, make_user):
    # given
    client = client_for(roles.CSR_I)
    contact_log(
        channel="counter",
        reason="quality",
        visitor_name="Pat Doe",
        notes="Brown water",
        referred_to_department=_department("Water Quality"),
        by=make_user(roles.CSR_II),
    )
    # when
    html = client.get(reverse("accounts:reception")).content.decode()
    # then
    assert "Pat Doe" in html and "Water Quality" in html and "Open" in html


def test_the_home_page_shows_referrals_and_done_takes_them_off(client_for, make_user):
    # given
    client = client_for(roles.CSR_II)
    contact = contact_log(
        channel="phone",
        reason="leak",
        visitor_name="Pat Doe",
        notes="Call back about the leak",
        referred_to_user=client.user,
        by=make_user(roles.CSR_I),
    )
    home = client.get(reverse("home")).content.decode()
    # when
    response = client.post(
        reverse("accounts:referrals"), {"contact": contact.pk, "next": "home"}, follow=True
    )
    # then
    assert 'id="panel-referrals"' in home and "Call back about the leak" in home
    assert response.redirect_chain[-1][0] == reverse("home")
    contact.refresh_from_db()
    assert contact.referral_done_at is not None
    assert "Nothing is referred to you." in response.content.decode()


def test_marking_someone_elses_referral_done_is_refused_on_the_page(client_for, make_user):
    # given
    client = client_for(roles.CSR_I)
    contact = contact_log(
        channel="phone",
        reason="leak",
        visitor_name="Pat",
        notes="x",
        referred_to_user=make_user(roles.CSR_III),
        by=None,
    )
    # when
    response = client.post(reverse("accounts:referrals"), {"contact": contact.pk}, follow=True)
    # then
    assert "Only the person or office" in response.content.decode()
    contact.refresh_from_db()
    assert contact.referral_done_at is None


# -- pages by role


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.CSR_I, 200),
        (roles.CSR_III, 200),
        (roles.SUPERVISOR, 200),
        # what customers told us is for those who talk to them (README, roles)
        (roles.FIELD_TECHNICIAN, 403),
        (roles.FINANCE, 403),
        (roles.CUSTOMER, 403),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_contact_pages_by_role(client_for, role, status):
    # given
    client = client_for(role)
    account = ServiceAccountFactory()
    urls = [
        reverse("accounts:reception"),
        reverse("accounts:referrals"),
        reverse("accounts:account_contacts", args=[account.pk]),
    ]
    # when
    answers = [client.get(url).status_code for url in urls]
    # then
    assert answers == [status] * len(urls)


def test_a_stranger_is_sent_to_sign_in(client):
    # when
    response = client.get(reverse("accounts:reception"))
    # then
    assert response.status_code == 302 and "/accounts/login/" in response.url
