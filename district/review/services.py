"""CSR I review: filing the day's sampled work (the nightly job) and a supervisor's sign-off."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from district.attribution import acting_user
from district.errors import ServiceError, require
from district.models_review import ReviewItem
from district.policies import policy_value
from district.review.sampling import (
    AMOUNT_DEFAULT,
    AMOUNT_POLICY,
    PERCENT_DEFAULT,
    PERCENT_POLICY,
    REVIEW_SOURCES,
    ReviewSource,
    pick_sample,
)
from district.roles import CSR_I, Perm

Outcome = ReviewItem.Outcome


def _policy(key: str, default: Decimal) -> Decimal:
    try:
        return Decimal(policy_value(key))
    except LookupError:
        return default


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _csr1_records(source: ReviewSource, day: datetime.date):
    """The source's records done on `day` by users in the CSR I role."""
    model = apps.get_model(source.model)
    start, end = _day_bounds(day)
    return (
        model._default_manager.filter(source.condition)
        .filter(
            **{
                f"{source.done_at_field}__gte": start,
                f"{source.done_at_field}__lt": end,
                f"{source.done_by_field}__groups__name": CSR_I.name,
            }
        )
        .order_by("pk")
    )


@transaction.atomic
def csr1_work_sample(*, day: datetime.date, by=None) -> list[ReviewItem]:
    """File for review the share of `day`'s CSR I work the sample picks, and all of it at or
    over the review amount; returns the items filed now (a rerun files none twice).

    No permission guard: it grants nothing and is the nightly job's (by: the nightly user).
    """
    percent = _policy(PERCENT_POLICY, PERCENT_DEFAULT)
    threshold = _policy(AMOUNT_POLICY, AMOUNT_DEFAULT)
    now = timezone.now()
    # (source, record, amount) of the day's CSR I work, and each person's records to sample.
    done = []
    by_person = defaultdict(list)
    for source in REVIEW_SOURCES:
        for record in _csr1_records(source, day):
            amount = getattr(record, source.amount_field) if source.amount_field else None
            done_by_id = getattr(record, f"{source.done_by_field}_id")
            done.append((source, record, amount, done_by_id))
            by_person[done_by_id].append((source.kind, record.pk))
    sampled = set().union(*(pick_sample(records, percent) for records in by_person.values()))
    candidates = []
    for source, record, amount, done_by_id in done:
        if amount is not None and amount >= threshold:
            reason = ReviewItem.Reason.AMOUNT
        elif (source.kind, record.pk) in sampled:
            reason = ReviewItem.Reason.SAMPLED
        else:
            continue
        candidates.append(
            ReviewItem(
                kind=source.kind,
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                label=f"{source.label}: {record}"[:200],
                amount=amount,
                done_on=day,
                done_by_id=done_by_id,
                reason=reason,
                sampled_at=now,
            )
        )
    with acting_user(by):
        # The unique constraint keeps one item per record: a rerun inserts nothing again.
        ReviewItem.objects.bulk_create(candidates, ignore_conflicts=True)
    # ignore_conflicts leaves the primary keys unset: read back the rows this run inserted.
    return list(ReviewItem.objects.filter(sampled_at=now).order_by("pk"))


@transaction.atomic
def review_item_sign_off(*, item_id: int, by, outcome: str, note: str = "") -> ReviewItem:
    """A supervisor's finding on a reviewed record: OK, or needs follow-up with a note."""
    require(by, Perm.APPROVE_REQUESTS, doing="review CSR I work")
    item = ReviewItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ServiceError("No such review item.")
    if item.is_reviewed:
        raise ServiceError("This item was already reviewed.")
    if item.done_by_id == by.pk:
        raise ServiceError("Nobody reviews their own work: another supervisor reviews this.")
    if outcome not in Outcome.values:
        raise ServiceError({"outcome": "Choose OK or needs follow-up."})
    note = note.strip()
    if outcome == Outcome.FOLLOW_UP and not note:
        raise ServiceError({"note": "Say what needs following up."})
    item.outcome = outcome
    item.note = note
    item.reviewed_by = by
    item.reviewed_at = timezone.now()
    with acting_user(by):
        item.save(update_fields=["outcome", "note", "reviewed_by", "reviewed_at"])
    return item
