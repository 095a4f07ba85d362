"""Audit history: every change is attributed, from a request (user and IP) or from a task."""

from district import roles
from district.audit import history_for
from district.celery import app as celery_app
from district.models import Policy
from tests import factories


@celery_app.task(name="tests.rename_policy")
def rename_policy(policy_id: int, label: str) -> None:
    Policy.objects.filter(pk=policy_id).update(label=label)


def test_a_change_through_a_page_records_who_from_where(client_for):
    # given
    client = client_for(roles.CSR_I)
    customer = factories.CustomerFactory(first_name="Ana")
    # when
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "kind": "person",
            "first_name": "Anabel",
            "last_name": customer.last_name,
            "phone": "(555) 555-0199",
            "language": "en",
            "mailing_state": "CA",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    # then
    assert response.status_code == 302
    entry = next(entry for entry in history_for(customer) if entry.action == "changed")
    assert entry.who == client.user.username
    assert entry.ip == "10.1.2.3"
    assert entry.where == f"/customers/{customer.pk}/edit/"
    changed = {change.field: (change.before, change.after) for change in entry.changes}
    assert changed["first name"] == ("Ana", "Anabel")


def test_a_change_made_by_a_task_names_the_task(db):
    # given
    policy = Policy.objects.get(key="nsf-fee")
    # when
    rename_policy.delay(policy.pk, "Returned check fee")
    # then
    entry = history_for(policy)[0]
    assert entry.who == "task tests.rename_policy"
    assert entry.changes[0].after == "Returned check fee"


def test_history_page_shows_the_changes(client_for):
    client = client_for(roles.CSR_I)
    policy = Policy.objects.get(key="nsf-fee")
    rename_policy.delay(policy.pk, "Returned check fee")
    response = client.get(f"/history/policy/{policy.pk}/")
    assert response.status_code == 200
    assert b"task tests.rename_policy" in response.content
    assert b"Returned check fee" in response.content


def test_history_of_an_unknown_kind_of_record_is_not_found(client_for):
    client = client_for(roles.CSR_I)
    assert client.get("/history/journal/1/").status_code == 404
