"""A small demo district for the modules that walk every page and form over real records."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    """A small demo district, loaded once per module and rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        quiet = StringIO()
        call_command("seed_demo", "--accounts", "12", "--years", "1", "--seed", "7", stdout=quiet)
        call_command("seed_billing_demo", stdout=quiet)
        call_command("seed_cashiering_demo", stdout=quiet)
        yield
        transaction.set_rollback(True)
