"""District policies: typed values, validated edits with history, limits by role, the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pghistory.models import Events

from district import roles
from district.audit import history_for
from district.models import Policy
from district.policies import (
    adjustment_limit_for,
    policy_update,
    policy_value,
    policy_values,
)

ValueType = Policy.ValueType


def _policy(key, value_type, value, category="general"):
    label = key.replace("-", " ").capitalize()
    return Policy.objects.create(
        key=key, label=label, category=category, value_type=value_type, value=value
    )


def _events(policy):
    return Events.objects.tracks(policy).count()


@pytest.mark.parametrize(
    ("value_type", "stored", "expected"),
    [
        (ValueType.MONEY, "25.00", Decimal("25.00")),
        (ValueType.PERCENT, "7.5", Decimal("7.5")),
        (ValueType.INTEGER, "3", 3),
        (ValueType.DAYS, "30", 30),
        (ValueType.BOOLEAN, "true", True),
        (ValueType.BOOLEAN, "false", False),
        (ValueType.TEXT, "Call before 5 pm", "Call before 5 pm"),
    ],
)
def test_policy_value_is_typed_by_its_value_type(db, value_type, stored, expected):
    # given
    _policy("sample", value_type, stored)
    # when
    value = policy_value("sample")
    # then
    assert value == expected
    assert type(value) is type(expected)


def test_seeded_policies_read_as_money(db):
    assert policy_value("nsf-fee") == Decimal("25.00")
    assert policy_values("turn-on-fee", "reconnect-fee") == {
        "turn-on-fee": Decimal("35.00"),
        "reconnect-fee": Decimal("50.00"),
    }


def test_an_unknown_policy_is_an_error(db):
    with pytest.raises(LookupError, match="no-such-policy"):
        policy_value("no-such-policy")


@pytest.mark.parametrize(
    ("value_type", "text", "stored", "typed"),
    [
        (ValueType.MONEY, "$1,250.5", "1250.50", Decimal("1250.50")),
        (ValueType.MONEY, "0", "0.00", Decimal("0.00")),
        (ValueType.PERCENT, "12.5%", "12.5", Decimal("12.5")),
        (ValueType.PERCENT, "100", "100", Decimal("100")),
        (ValueType.INTEGER, " 12 ", "12", 12),
        (ValueType.DAYS, "0", "0", 0),
        (ValueType.BOOLEAN, "Yes", "true", True),
        (ValueType.BOOLEAN, "no", "false", False),
        (ValueType.TEXT, "  Office closed Fridays ", "Office closed Fridays", None),
    ],
)
def test_policy_update_stores_the_value_in_canonical_form(
    make_user, value_type, text, stored, typed
):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    _policy("sample", value_type, "1" if value_type != ValueType.BOOLEAN else "false")
    # when
    policy = policy_update(key="sample", value=text, by=supervisor, reason="Board action")
    # then
    policy.refresh_from_db()
    assert policy.value == stored
    assert policy.updated_by == supervisor
    assert policy_value("sample") == (typed if typed is not None else stored)


@pytest.mark.parametrize(
    ("value_type", "text", "message"),
    [
        (ValueType.MONEY, "abc", "not an amount of money"),
        (ValueType.MONEY, "-5", "zero or more"),
        (ValueType.MONEY, "1.005", "two decimals"),
        (ValueType.MONEY, "", "Enter a value"),
        (ValueType.PERCENT, "101", "between 0 and 100"),
        (ValueType.PERCENT, "-1", "between 0 and 100"),
        (ValueType.PERCENT, "lots", "not a percentage"),
        (ValueType.INTEGER, "-1", "zero or more"),
        (ValueType.INTEGER, "2.5", "not a whole number"),
        (ValueType.DAYS, "ten", "not a whole number"),
        (ValueType.BOOLEAN, "maybe", "yes or no"),
        (ValueType.TEXT, "x" * 201, "too long"),
    ],
)
def test_a_bad_value_is_refused_and_nothing_is_written(make_user, value_type, text, message):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    policy = _policy("sample", value_type, "true" if value_type == ValueType.BOOLEAN else "5")
    events_before = _events(policy)
    # when / then
    with pytest.raises(ValidationError, match=message) as refusal:
        policy_update(key="sample", value=text, by=supervisor)
    assert "value" in refusal.value.message_dict
    fresh = Policy.objects.get(pk=policy.pk)
    assert fresh.value == policy.value
    assert fresh.updated_by is None
    assert _events(policy) == events_before


def test_an_unknown_key_is_refused(make_user):
    with pytest.raises(ValidationError, match="No district policy"):
        policy_update(key="free-water", value="1", by=make_user(roles.SUPERVISOR))


def test_a_role_without_manage_policies_cannot_update(make_user):
    # given
    policy = Policy.objects.get(key="nsf-fee")
    # when / then
    with pytest.raises(ValidationError, match="does not allow you to change district policies"):
        policy_update(key="nsf-fee", value="1.00", by=make_user(roles.CSR_III))
    assert Policy.objects.get(pk=policy.pk).value == "25.00"


def test_adjustment_limit_follows_the_role(make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR)
    policy_update(key="adjustment-limit-csr2", value="300", by=supervisor)
    # when / then
    assert adjustment_limit_for(make_user(roles.CSR_I)) == Decimal("0.00")
    assert adjustment_limit_for(make_user(roles.CSR_II)) == Decimal("300.00")
    assert adjustment_limit_for(make_user(roles.CSR_III)) == Decimal("1000.00")
    assert adjustment_limit_for(supervisor) is None
    assert adjustment_limit_for(make_user(roles.FINANCE)) == Decimal("0.00")


@pytest.mark.parametrize(
    ("role", "list_status", "edit_status"),
    [
        (None, 302, 302),
        (roles.CUSTOMER, 403, 403),
        (roles.CSR_I, 200, 403),
        (roles.CSR_III, 200, 403),
        (roles.FINANCE, 200, 403),
        (roles.SUPERVISOR, 200, 200),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_policy_pages_by_role(client, make_user, role, list_status, edit_status):
    # given
    policy = Policy.objects.get(key="nsf-fee")
    if role is not None:
        client.force_login(make_user(role))
    # when / then
    assert client.get(reverse("policies")).status_code == list_status
    assert client.get(reverse("policy_edit", args=[policy.pk])).status_code == edit_status


def test_the_list_groups_by_category_with_a_fixed_number_of_queries(
    client_for, make_user, django_assert_max_num_queries
):
    # given: every policy edited by someone (the editor's name is shown)
    supervisor = make_user(roles.SUPERVISOR, first_name="Dolores", last_name="Sandoval")
    for policy in Policy.objects.all():
        policy_update(key=policy.key, value=policy.value, by=supervisor)
    client = client_for(roles.CSR_I)
    # when (9 of the queries are the session, the user, their role and permissions)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("policies"))
    # then
    html = response.content.decode()
    for heading in ("Limits", "Fees", "Cashiering"):
        assert f">{heading}</h2>" in html
    assert "$25.00" in html
    assert "by Dolores Sandoval" in html
    assert "/edit/" not in html  # a CSR I reads, a supervisor edits
    assert " style=" not in html


def test_a_supervisor_edits_a_policy_and_the_history_names_them(client, make_user):
    # given
    supervisor = make_user(roles.SUPERVISOR, first_name="Dolores", last_name="Sandoval")
    client.force_login(supervisor)
    policy = Policy.objects.get(key="nsf-fee")
    page = client.get(reverse("policy_edit", args=[policy.pk])).content.decode()
    assert reverse("history", args=["policy", policy.pk]) in page
    # when
    response = client.post(
        reverse("policy_edit", args=[policy.pk]),
        {"value": "$30", "reason": "Board resolution 2026-04"},
    )
    # then
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.value == "30.00"
    assert policy.updated_by == supervisor
    latest = history_for(policy)[0]
    assert latest.who == "Dolores Sandoval"
    assert [
        (change.before, change.after) for change in latest.changes if change.field == "value"
    ] == [("25.00", "30.00")]
    event = Events.objects.tracks(policy).order_by("-pgh_created_at", "-pgh_id").first()
    assert event.pgh_context["reason"] == "Board resolution 2026-04"
    history_page = client.get(reverse("history", args=["policy", policy.pk])).content.decode()
    assert "Dolores Sandoval" in history_page


def test_an_update_outside_a_request_is_attributed_to_the_person(make_user):
    # given: a shell or a task changes a policy on someone's behalf
    supervisor = make_user(roles.SUPERVISOR, first_name="Dolores", last_name="Sandoval")
    policy = Policy.objects.get(key="turn-on-fee")
    # when
    policy_update(key="turn-on-fee", value="40", by=supervisor, reason="New fee schedule")
    # then
    latest = history_for(policy)[0]
    assert latest.who == "Dolores Sandoval"


def test_a_bad_value_on_the_page_shows_the_message_and_writes_nothing(client_for):
    # given
    client = client_for(roles.SUPERVISOR)
    policy = Policy.objects.get(key="nsf-fee")
    events_before = _events(policy)
    # when
    response = client.post(reverse("policy_edit", args=[policy.pk]), {"value": "-10"})
    # then
    assert response.status_code == 400
    assert "The amount must be zero or more." in response.content.decode()
    assert Policy.objects.get(pk=policy.pk).value == "25.00"
    assert _events(policy) == events_before
