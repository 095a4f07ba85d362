import pytest

from district.models import Policy
from district.policies import policy_value


@pytest.mark.django_db
def test_the_hydrant_policies_exist_after_migrate():
    # then
    assert policy_value("drought-stage") == 0
    assert policy_value("hydrant-meter-test-days") == 365
    assert Policy.objects.filter(key__startswith="hydrant-deposit-").count() == 5
