"""CSR I review: the deterministic sample and its share, the amount trigger, the nightly rerun,
the sign-off rules and who may open the pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import ServiceAccount
from district import roles
from district.errors import NotPermitted, ServiceError
from district.models import Policy
from district.models_review import ReviewItem
from district.review import tasks
from district.review.sampling import pick_sample, sample_size
from district.review.services import csr1_work_sample, review_item_sign_off
from payments.models import BatchItem, PaymentBatch
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _set_policy(key: str, value: str) -> None:
    Policy.objects.filter(key=key).update(value=value)


def _starts(by, count: int) -> list[ServiceAccount]:
    return [factories.ServiceAccountFactory(created_by=by) for _ in range(count)]


def _mail_item(by, amount: str) -> BatchItem:
    batch = PaymentBatch.objects.create(
        kind="mail", control_count=1, control_total=Decimal(amount), created_by=by
    )
    return BatchItem.objects.create(batch=batch, position=1, amount=Decimal(amount), entered_by=by)


def test_the_review_policies_exist_after_migrate():
    assert Policy.objects.get(key="csr1-review-percent").value == "10"
    assert Policy.objects.get(key="csr1-review-amount").value == "500.00"


def test_the_sample_is_the_same_for_the_same_records():
    # given the same records in another order
    records = [("counter-payment", number) for number in range(1, 201)]
    # when
    first = pick_sample(records, Decimal("10"))
    again = pick_sample(list(reversed(records)), Decimal("10"))
    # then
    assert first == again and len(first) == 20


@pytest.mark.parametrize(
    "percent, expected", [("10", 20), ("7.5", 15), ("12.3", 25), ("0", 0), ("100", 200)]
)
def test_the_sample_takes_the_percent_of_200_records_rounded_up(percent, expected):
    records = [("service-start", number) for number in range(1000, 1200)]
    assert (
        len(pick_sample(records, Decimal(percent)))
        == expected
        == sample_size(200, Decimal(percent))
    )


def test_a_day_of_200_csr1_starts_files_ten_percent_and_none_of_others_work(make_user):
    # given 200 service starts by a CSR I and 30 by a CSR II, at 10 percent
    csr1 = make_user(roles.CSR_I)
    csr2 = make_user(roles.CSR_II)
    starts = _starts(csr1, 200)
    _starts(csr2, 30)
    # when
    items = csr1_work_sample(day=TODAY)
    # then 20 of the CSR I's starts are filed, the ones the hash ranks first
    assert len(items) == 20
    assert {item.done_by_id for item in items} == {csr1.pk}
    assert {item.reason for item in items} == {"sampled"}
    expected = pick_sample([("service-start", start.pk) for start in starts], Decimal("10"))
    assert {(item.kind, item.object_id) for item in items} == expected


def test_the_share_follows_the_policy(make_user):
    # given the percent set to 25 and 40 starts by a CSR I
    _set_policy("csr1-review-percent", "25")
    _starts(make_user(roles.CSR_I), 40)
    # when / then
    assert len(csr1_work_sample(day=TODAY)) == 10


def test_work_at_or_over_the_amount_is_always_reviewed(make_user):
    # given a 0 percent sample and mail items of 499.99, 500.00 and 1,200.00 by a CSR I
    _set_policy("csr1-review-percent", "0")
    csr1 = make_user(roles.CSR_I)
    _mail_item(csr1, "499.99")
    at_limit = _mail_item(csr1, "500.00")
    over = _mail_item(csr1, "1200.00")
    # when
    items = csr1_work_sample(day=TODAY)
    # then
    assert sorted((item.object_id, item.amount, item.reason) for item in items) == [
        (at_limit.pk, Decimal("500.00"), "amount"),
        (over.pk, Decimal("1200.00"), "amount"),
    ]
    assert items[0].kind == "batch-item"


def test_a_rerun_files_nothing_twice(make_user):
    # given a day already sampled
    _starts(make_user(roles.CSR_I), 30)
    first = csr1_work_sample(day=TODAY)
    # when it runs again (the nightly task, twice)
    again = csr1_work_sample(day=TODAY)
    # then
    assert len(first) == 3 and again == []
    assert ReviewItem.objects.count() == 3


def test_the_nightly_task_samples_the_previous_day(make_user):
    # given starts done yesterday and today
    csr1 = make_user(roles.CSR_I)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    old = _starts(csr1, 10)
    ServiceAccount.objects.filter(pk__in=[a.pk for a in old]).update(created_at=yesterday)
    _starts(csr1, 10)
    # when
    filed = tasks.sample_csr1_work.delay().get()
    # then one of yesterday's ten (10 percent), none of today's
    item = ReviewItem.objects.get()
    assert filed == [item.pk]
    assert item.object_id in {a.pk for a in old}
    assert item.done_on == TODAY - datetime.timedelta(days=1)
    assert tasks.sample_csr1_work.delay().get() == []


def _item(done_by) -> ReviewItem:
    account = factories.ServiceAccountFactory(created_by=done_by)
    return ReviewItem.objects.create(
        kind="service-start",
        content_type=ContentType.objects.get_for_model(ServiceAccount),
        object_id=account.pk,
        label=f"Service start: {account}",
        done_on=TODAY,
        done_by=done_by,
        sampled_at=timezone.now(),
    )


def test_a_supervisor_signs_off_an_item_as_ok(make_user):
    # given
    item = _item(make_user(roles.CSR_I))
    supervisor = make_user(roles.SUPERVISOR)
    # when
    review_item_sign_off(item_id=item.pk, by=supervisor, outcome="ok")
    # then
    item.refresh_from_db()
    assert (item.outcome, item.reviewed_by, item.note) == ("ok", supervisor, "")
    assert item.reviewed_at is not None
    assert item.events.count() == 2  # filed, then signed off: the history of who and when


def test_needs_follow_up_requires_a_note(make_user):
    # given
    item = _item(make_user(roles.CSR_I))
    supervisor = make_user(roles.SUPERVISOR)
    # when
    with pytest.raises(ServiceError) as refused:
        review_item_sign_off(item_id=item.pk, by=supervisor, outcome="follow_up", note="  ")
    # then
    assert refused.value.message_dict == {"note": ["Say what needs following up."]}
    item.refresh_from_db()
    assert item.reviewed_at is None and item.outcome == ""


def test_nobody_reviews_their_own_work(make_user):
    # given a supervisor's own record in review (a supervisor once a CSR I)
    supervisor = make_user(roles.SUPERVISOR)
    item = _item(supervisor)
    # when
    with pytest.raises(ServiceError) as refused:
        review_item_sign_off(item_id=item.pk, by=supervisor, outcome="ok")
    # then
    assert refused.value.messages == [
        "Nobody reviews their own work: another supervisor reviews this."
    ]
    item.refresh_from_db()
    assert item.reviewed_by is None


def test_an_item_is_signed_off_once(make_user):
    item = _item(make_user(roles.CSR_I))
    review_item_sign_off(item_id=item.pk, by=make_user(roles.SUPERVISOR), outcome="ok")
    with pytest.raises(ServiceError, match="already reviewed"):
        review_item_sign_off(
            item_id=item.pk, by=make_user(roles.SUPERVISOR), outcome="follow_up", note="x"
        )


def test_a_csr_iii_cannot_sign_off(make_user):
    item = _item(make_user(roles.CSR_I))
    with pytest.raises(NotPermitted):
        review_item_sign_off(item_id=item.pk, by=make_user(roles.CSR_III), outcome="ok")


def test_the_sign_off_page_records_a_follow_up(client_for, make_user):
    # given
    item = _item(make_user(roles.CSR_I))
    client = client_for(roles.SUPERVISOR)
    url = reverse("review:item", args=[item.pk])
    # when a follow-up is posted without a note, then with one
    refused = client.post(url, {"outcome": "follow_up", "note": ""})
    done = client.post(url, {"outcome": "follow_up", "note": "Receipt amount mistyped"})
    # then
    assert refused.status_code == 422
    assert "Say what needs following up." in refused.content.decode()
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.outcome, item.note) == ("follow_up", "Receipt amount mistyped")
    listed = client.get(reverse("review:queue") + "?show=reviewed").content.decode()
    assert "Receipt amount mistyped" in listed


def test_the_review_list_query_count_is_pinned(
    client_for, make_user, django_assert_max_num_queries
):
    csr1 = make_user(roles.CSR_I)
    for _ in range(15):
        _item(csr1)
    client = client_for(roles.SUPERVISOR)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("review:queue"))
    assert response.status_code == 200
    links = re.findall(r'href="/supervisor/review/\d+/"', response.content.decode())
    assert len(links) == 15


@pytest.mark.parametrize(
    "role, status",
    [(roles.SUPERVISOR, 200), (roles.CSR_III, 403), (roles.CSR_I, 403), (roles.FINANCE, 403)],
    ids=lambda value: getattr(value, "name", value),
)
def test_the_review_pages_are_the_supervisors(client_for, make_user, role, status):
    item = _item(make_user(roles.CSR_I))
    client = client_for(role)
    assert client.get(reverse("review:queue")).status_code == status
    assert client.get(reverse("review:item", args=[item.pk])).status_code == status
