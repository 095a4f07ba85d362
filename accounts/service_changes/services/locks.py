"""The lock every start, stop and transfer takes first."""

from field_ops.models import Premise


def premises_for_update(*premises: Premise) -> dict[int, Premise]:
    """Lock the premises in primary-key order (a start or transfer at a premise waits for the
    other one there, so two clerks cannot both start service at one address)."""
    ids = sorted({premise.pk for premise in premises})
    locked = Premise.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {premise.pk: premise for premise in locked}
