from django.core.management import call_command

from payments.models import Drawer


def test_seed_cashiering_demo_creates_the_drawers_once(db):
    call_command("seed_cashiering_demo")
    call_command("seed_cashiering_demo")
    assert Drawer.objects.filter(is_active=True).count() == 3
