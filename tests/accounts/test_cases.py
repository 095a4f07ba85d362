"""Cases: opening with a due date from policy, every allowed and refused status change, notes,
assignment and referral, my cases, the team queue's filters, the home panels, pages by role."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.contacts import selectors
from accounts.contacts.services import (
    case_assign,
    case_change_status,
    case_note_add,
    case_open,
    case_refer,
    contact_log,
)
from accounts.models import Case, CaseNote, Department
from district import roles
from district.policies import policy_update
from tests.factories import CustomerFactory, ServiceAccountFactory

pytestmark = pytest.mark.django_db

Status = Case.Status


def _case(*, status=Status.OPEN, due_in_days=5, **fields) -> Case:
    """A case stored as it would be in that status (no service: any starting point)."""
    fields.setdefault("category", Case.Category.OTHER)
    return Case.objects.create(
        subject=fields.pop("subject", "Sample"),
        description="Sample description",
        status=status,
        resolution="Fixed" if status in (Status.RESOLVED, Status.CLOSED) else "",
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        **fields,
    )


def _open(by, **fields) -> Case:
    fields.setdefault("category", Case.Category.HIGH_BILL)
    fields.setdefault("subject", "High bill in May")
    fields.setdefault("description", "Says the bill doubled.")
    return case_open(by=by, **fields)


# -- opening


@pytest.mark.parametrize(
    ("category", "days"),
    [
        ("billing_dispute", 10),
        ("high_bill", 10),
        ("leak", 2),
        ("service_quality", 5),
        ("staff_complaint", 5),
        ("other", 10),
    ],
)
def test_a_case_is_due_after_its_categorys_target_days(make_user, category, days):
    # given
    clerk = make_user(roles.CSR_I)
    # when
    case = _open(clerk, category=category)
    # then
    assert case.due_date == timezone.localdate() + datetime.timedelta(days=days)


def test_the_due_date_follows_the_policy_when_a_supervisor_changes_it(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    policy_update(key="case-target-days-leak", value="7", by=make_user(roles.SUPERVISOR))
    # when
    case = _open(clerk, category="leak")
    # then
    assert case.due_date == timezone.localdate() + datetime.timedelta(days=7)


def test_a_new_case_with_nobody_named_is_the_openers_and_an_account_implies_its_customer(
    make_user,
):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    # when
    case = _open(clerk, account=account, priority="high")
    # then
    case.refresh_from_db()
    assert (case.assigned_to, case.opened_by) == (clerk, clerk)
    assert case.customer_id == account.customer_id
    assert (case.status, case.priority) == (Status.OPEN, "high")


def test_a_case_for_a_department_waits_for_it_unassigned(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    engineering = Department.objects.get(name="Engineering")
    # when
    case = _open(clerk, department=engineering)
    # then
    assert case.assigned_to is None and case.department == engineering


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"priority": "urgent"}, "priority"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"description": ""}, "description"),
    ],
)
def test_a_case_that_says_too_little_is_refused_and_nothing_is_written(make_user, fields, field):
    # given
    clerk = make_user(roles.CSR_I)
    # when
    with pytest.raises(ValidationError) as refused:
        _open(clerk, **fields)
    # then
    assert field in refused.value.message_dict
    assert Case.objects.count() == 0


def test_a_case_on_another_customers_account_or_for_a_non_staff_person_is_refused(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    account = ServiceAccountFactory()
    # when
    with pytest.raises(ValidationError) as wrong_customer:
        _open(clerk, account=account, customer=CustomerFactory())
    with pytest.raises(ValidationError) as not_staff:
        _open(clerk, assigned_to=make_user(roles.CUSTOMER))
    # then
    assert "another customer" in wrong_customer.value.message_dict["account"][0]
    assert "not on the district staff" in not_staff.value.message_dict["assigned_to"][0]
    assert Case.objects.count() == 0


# -- status changes

ALLOWED = [
    (source, target)
    for source, targets in Case.ALLOWED_TRANSITIONS.items()
    for target in sorted(targets)
]
REFUSED = [
    (source, target)
    for source, target in itertools.product(Status.values, Status.values)
    if target not in Case.ALLOWED_TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda value: str(value))
def test_every_allowed_status_change(make_user, source, target):
    # given
    clerk = make_user(roles.CSR_I)
    case = _case(status=source)
    # when
    changed = case_change_status(
        case=case, to_status=target, by=clerk, resolution="Re-read the meter; bill corrected."
    )
    # then
    changed.refresh_from_db()
    assert changed.status == target
    note = CaseNote.objects.get(case=case)
    assert note.written_by == clerk
    assert f"to {Status(target).label}" in note.note
    if target == Status.RESOLVED:
        assert changed.resolution == "Re-read the meter; bill corrected."
        assert changed.resolved_at is not None
    if source == Status.RESOLVED and target == Status.OPEN:
        assert (changed.resolution, changed.resolved_at) == ("", None)


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda value: str(value))
def test_every_refused_status_change_writes_nothing(make_user, source, target):
    # given
    clerk = make_user(roles.CSR_I)
    case = _case(status=source)
    # when
    with pytest.raises(ValidationError) as refused:
        case_change_status(case=case, to_status=target, by=clerk, resolution="Done")
    # then
    message = " ".join(refused.value.messages)
    assert "cannot" in message
    case.refresh_from_db()
    assert case.status == source
    assert CaseNote.objects.filter(case=case).count() == 0


def test_resolving_needs_a_resolution(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    case = _case(status=Status.OPEN)
    # when
    with pytest.raises(ValidationError) as refused:
        case_change_status(case=case, to_status=Status.RESOLVED, by=clerk, resolution="   ")
    # then
    assert refused.value.message_dict == {"resolution": ["Write how the case was resolved."]}
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.resolved_at is None
    assert CaseNote.objects.count() == 0


def test_an_unknown_status_is_refused(make_user):
    # given
    case = _case()
    # when
    with pytest.raises(ValidationError) as refused:
        case_change_status(case=case, to_status="lost", by=make_user(roles.CSR_I))
    # then
    assert refused.value.message_dict == {"to_status": ["Choose a status."]}


def test_a_resolved_case_reopens_and_needs_a_new_resolution(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    case = _open(clerk)
    case_change_status(case=case, to_status=Status.RESOLVED, by=clerk, resolution="Leak fixed")
    # when
    case_change_status(case=case, to_status=Status.OPEN, by=clerk)
    # then
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.OPEN, "")
    with pytest.raises(ValidationError):
        case_change_status(case=case, to_status=Status.RESOLVED, by=clerk)
    notes = [note.note for note in case.notes.all()]
    assert notes[0].endswith("Resolution: Leak fixed")
    assert notes[1] == "Status changed from Resolved to Open."


def test_a_closed_case_takes_no_more_notes_assignments_or_referrals(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    case = _case(status=Status.CLOSED)
    # when
    refusals = []
    for attempt in (
        lambda: case_note_add(case=case, note="One more thing", by=clerk),
        lambda: case_assign(case=case, assigned_to=clerk, by=clerk),
        lambda: case_refer(
            case=case, department=Department.objects.first(), note="Please look", by=clerk
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        refusals.append(refused.value.messages[0])
    # then
    assert all("closed" in message for message in refusals)
    case.refresh_from_db()
    assert (case.assigned_to, case.department, case.status) == (None, None, Status.CLOSED)
    assert CaseNote.objects.count() == 0


# -- notes, assignment, referral


def test_notes_assignment_and_referral_each_leave_a_note(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    lead = make_user(roles.CSR_III, first_name="Carmen", last_name="Castillo")
    engineering = Department.objects.get(name="Engineering")
    case = _open(clerk)
    # when
    case_note_add(case=case, note="  Called back, no answer. ", by=clerk)
    case_assign(case=case, assigned_to=lead, by=clerk)
    case_refer(case=case, department=engineering, note="Check the pressure valve", by=lead)
    # then
    case.refresh_from_db()
    assert (case.status, case.department, case.assigned_to) == (
        Status.REFERRED,
        engineering,
        lead,
    )
    assert [note.note for note in case.notes.all()] == [
        "Called back, no answer.",
        "Assigned to Carmen Castillo.",
        "Referred to the Engineering department: Check the pressure valve",
    ]


def test_a_referred_case_can_be_referred_again(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    case = _case(status=Status.REFERRED, department=Department.objects.get(name="Engineering"))
    finance = Department.objects.get(name="Finance")
    # when
    case_refer(case=case, department=finance, note="It is a billing matter", by=clerk)
    # then
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.REFERRED, finance)


def test_refusals_of_notes_assignment_and_referral_write_nothing(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    case = _open(clerk)
    # when
    with pytest.raises(ValidationError) as empty_note:
        case_note_add(case=case, note="  ", by=clerk)
    with pytest.raises(ValidationError) as same_person:
        case_assign(case=case, assigned_to=clerk, by=clerk)
    with pytest.raises(ValidationError) as nobody_left:
        case_assign(case=case, assigned_to=None, by=clerk)
    with pytest.raises(ValidationError) as nowhere:
        case_refer(case=case, note="Please look", by=clerk)
    with pytest.raises(ValidationError) as no_reason:
        case_refer(case=case, department=Department.objects.first(), note="", by=clerk)
    # then
    assert empty_note.value.message_dict == {"note": ["Write the note."]}
    assert "already with them" in same_person.value.message_dict["assigned_to"][0]
    assert "no department" in nobody_left.value.message_dict["assigned_to"][0]
    assert "Choose the department" in nowhere.value.message_dict["department"][0]
    assert "Say why" in no_reason.value.message_dict["note"][0]
    case.refresh_from_db()
    assert (case.status, case.assigned_to, case.department) == (Status.OPEN, clerk, None)
    assert CaseNote.objects.count() == 0


# -- my cases, the queue, the home panels


def test_my_cases_lists_my_open_cases_overdue_first(make_user):
    # given
    clerk = make_user(roles.CSR_I)
    other = make_user(roles.CSR_II)
    later = _case(assigned_to=clerk, due_in_days=3)
    overdue = _case(assigned_to=clerk, due_in_days=-2, status=Status.WAITING)
    urgent = _case(assigned_to=clerk, due_in_days=3, priority="high")
    _case(assigned_to=clerk, due_in_days=-5, status=Status.RESOLVED)
    _case(assigned_to=other, due_in_days=-9)
    # when
    mine = list(selectors.my_cases(clerk))
    counts = selectors.my_case_counts(clerk)
    # then
    assert mine == [overdue, urgent, later]
    assert (counts.open, counts.overdue) == (3, 1)


def test_the_queue_filters_by_status_kind_department_assignee_and_overdue(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    clerk = make_user(roles.CSR_I)
    engineering = Department.objects.get(name="Engineering")
    leak = _case(category="leak", assigned_to=clerk, due_in_days=-1)
    referred = _case(status=Status.REFERRED, department=engineering)
    resolved = _case(status=Status.RESOLVED, assigned_to=clerk, due_in_days=-3)
    waiting = _case(status=Status.WAITING, category="high_bill", assigned_to=supervisor)

    def queue(**filters):
        return set(selectors.case_queue(supervisor, selectors.CaseFilters(**filters)))

    # when / then
    assert queue(status=selectors.OPEN_ANY) == {leak, referred, waiting}
    assert queue() == {leak, referred, resolved, waiting}
    assert queue(status=Status.RESOLVED) == {resolved}
    assert queue(category="high_bill") == {waiting}
    assert queue(department=engineering) == {referred}
    assert queue(assigned_to_id=clerk.pk) == {leak, resolved}
    assert queue(unassigned=True) == {referred}
    assert queue(overdue=True) == {leak}


def test_staff_complaints_are_for_supervisors_and_the_people_on_them(make_user):
    # given
    opener = make_user(roles.CSR_I)
    colleague = make_user(roles.CSR_II)
    supervisor = make_user(roles.SUPERVISOR)
    complaint = _open(opener, category="staff_complaint", subject="Rude on the phone")
    ordinary = _case()
    # when / then
    assert set(selectors.cases_visible_to(supervisor)) == {complaint, ordinary}
    assert set(selectors.cases_visible_to(opener)) == {complaint, ordinary}
    assert set(selectors.cases_visible_to(colleague)) == {ordinary}


def test_the_queue_page_filters_and_takes_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    # given
    client = client_for(roles.CSR_II)
    for index in range(3):
        _case(subject=f"Few {index}", customer=CustomerFactory())
    client.get(reverse("accounts:case_queue"))  # warms the user's permission cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:case_queue"))
    for index in range(30):
        _case(subject=f"Many {index}", account=ServiceAccountFactory())
    # when
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:case_queue"))
    filtered = client.get(reverse("accounts:case_queue"), {"status": "", "category": "leak"})
    # then
    assert response.status_code == 200
    assert "Many 29" in response.content.decode()
    assert "No cases match these filters." in filtered.content.decode()


def test_the_queue_page_reads_its_filters_and_keeps_them_across_pages(client_for, make_user):
    # given
    client = client_for(roles.CSR_III)
    clerk = make_user(roles.CSR_I)
    _case(subject="Open and mine", assigned_to=clerk, due_in_days=-1)
    _case(subject="Open, nobody's", department=Department.objects.get(name="Finance"))
    _case(subject="Already resolved", status=Status.RESOLVED, assigned_to=clerk)
    url = reverse("accounts:case_queue")

    def subjects(**query):
        html = client.get(url, query).content.decode()
        return {subject for subject in ("Open and mine", "Open, nobody's", "Already resolved")
                if subject.replace("'", "&#x27;") in html}  # fmt: skip

    # when / then
    assert subjects() == {"Open and mine", "Open, nobody's"}
    assert subjects(page=1) == {"Open and mine", "Open, nobody's"}
    assert subjects(status="") == {"Open and mine", "Open, nobody's", "Already resolved"}
    assert subjects(status="", assignee=clerk.pk) == {"Open and mine", "Already resolved"}
    assert subjects(assignee="none", status="any_open") == {"Open, nobody's"}
    assert subjects(overdue="on", status="any_open") == {"Open and mine"}


def test_my_cases_page_takes_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    # given
    client = client_for(roles.CSR_I)
    _case(assigned_to=client.user, account=ServiceAccountFactory())
    client.get(reverse("accounts:cases_mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:cases_mine"))
    for _index in range(20):
        _case(assigned_to=client.user, account=ServiceAccountFactory(), due_in_days=-1)
    # when
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:cases_mine"))
    # then
    assert response.content.decode().count("Overdue</span>") == 20


def test_every_staff_home_shows_my_cases_and_supervisors_see_the_overdue(client_for, make_user):
    # given
    clerk = make_user(roles.CSR_I)
    late = _case(assigned_to=clerk, due_in_days=-4, subject="Late callback")
    csr_client = client_for(roles.CSR_II)
    _case(assigned_to=csr_client.user, subject="My own case")
    csr_home = csr_client.get(reverse("home")).content.decode()
    # when
    supervisor_home = client_for(roles.SUPERVISOR).get(reverse("home")).content.decode()
    # then
    assert 'id="panel-cases-mine"' in csr_home and "My own case" in csr_home
    assert 'id="panel-cases-overdue"' not in csr_home
    assert 'id="panel-cases-overdue"' in supervisor_home
    assert f"Case {late.pk}: Late callback" in supervisor_home
    assert "1 case overdue" in supervisor_home


# -- pages


def test_a_csr_opens_a_case_from_a_contact_and_works_it_through_the_pages(client_for):
    # given
    client = client_for(roles.CSR_I)
    account = ServiceAccountFactory()
    contact = contact_log(
        channel="phone", reason="leak", notes="Water at the curb", account=account, by=None
    )
    form = client.get(reverse("accounts:case_open"), {"contact": contact.pk}).content.decode()
    # when
    opened = client.post(
        reverse("accounts:case_open"),
        {
            "category": "leak",
            "priority": "high",
            "subject": "Leak",
            "description": "Water at the curb",
            "account": account.formatted_number,
        },
    )
    case = Case.objects.get()
    update = reverse("accounts:case_update", args=[case.pk])
    client.post(update, {"action": "note", "note": "Crew on the way"})
    refused = client.post(update, {"action": "status", "to_status": "resolved"})
    client.post(update, {"action": "status", "to_status": "resolved", "resolution": "Fixed"})
    # then
    assert "Water at the curb" in form and 'value="leak" selected' in form
    assert opened.status_code == 302
    assert opened.url == reverse("accounts:case_detail", args=[case.pk])
    assert "Write how the case was resolved." in refused.content.decode()
    case.refresh_from_db()
    assert (case.account, case.customer, case.status) == (
        account,
        account.customer,
        Status.RESOLVED,
    )
    assert [note.note for note in case.notes.all()][0] == "Crew on the way"


def test_the_case_page_shows_notes_and_forms_to_those_who_may_change_it(client_for, make_user):
    # given
    case = _open(make_user(roles.CSR_I))
    case_note_add(case=case, note="Left a voicemail", by=case.opened_by)
    url = reverse("accounts:case_detail", args=[case.pk])
    # when
    csr_page = client_for(roles.CSR_II).get(url).content.decode()
    finance_page = client_for(roles.FINANCE).get(url)
    # then: cases are for those who talk to customers; Finance does not see them (README)
    assert "Left a voicemail" in csr_page and "Change the status" in csr_page
    assert finance_page.status_code == 403
    assert "Left a voicemail" not in finance_page.content.decode()


@pytest.mark.parametrize(
    ("role", "view", "change"),
    [
        (roles.CSR_I, 200, 200),
        (roles.CSR_II, 200, 200),
        (roles.CSR_III, 200, 200),
        (roles.SUPERVISOR, 200, 200),
        (roles.FIELD_TECHNICIAN, 403, 403),
        (roles.FINANCE, 403, 403),
        (roles.CUSTOMER, 403, 403),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_case_pages_by_role(client_for, role, view, change):
    # given
    client = client_for(role)
    case = _case()
    # when
    views = [
        client.get(reverse("accounts:case_queue")).status_code,
        client.get(reverse("accounts:cases_mine")).status_code,
        client.get(reverse("accounts:case_detail", args=[case.pk])).status_code,
    ]
    changes = [
        client.get(reverse("accounts:case_open")).status_code,
        client.post(
            reverse("accounts:case_update", args=[case.pk]), {"action": "note", "note": "Hi"}
        ).status_code,
    ]
    # then
    assert views == [view] * 3
    assert changes[0] == change
    assert changes[1] == (302 if change == 200 else change)


def test_a_staff_complaint_is_not_found_by_a_colleague(client_for, make_user):
    # given
    complaint = _open(make_user(roles.CSR_I), category="staff_complaint")
    client = client_for(roles.CSR_II)
    # when
    response = client.get(reverse("accounts:case_detail", args=[complaint.pk]))
    # then
    assert response.status_code == 404


def test_a_case_referred_to_a_supervisor_shows_under_referred_to_you(client, make_user):
    # given: a clerk refers a case to her supervisor by name
    clerk = make_user(roles.CSR_I)
    supervisor = make_user(roles.SUPERVISOR)
    case = _case(subject="Pressure complaint on Elm")
    case_refer(case=case, user=supervisor, note="Needs your decision", by=clerk)
    client.force_login(supervisor)
    # when
    html = client.get("/").content.decode()
    # then: the home does not say "nothing" while the case waits for her
    referred = html.split("Referred to you", 1)[1].split("Your cases", 1)[0]
    assert "Pressure complaint on Elm" in referred
    assert "Nothing is referred to you." not in referred
