"""District-wide writes: role groups and demo staff users."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from district.roles import ALL_ROLES, STAFF_ROLES, Role


def _permissions_for(role: Role) -> list[Permission]:
    by_name = {}
    for app_label, codename in (name.split(".", 1) for name in role.permissions):
        by_name.setdefault(app_label, set()).add(codename)
    permissions = []
    for app_label, codenames in by_name.items():
        found = list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
        missing = codenames - {permission.codename for permission in found}
        if missing:
            raise LookupError(f"Permissions not installed (run migrate): {sorted(missing)}")
        permissions.extend(found)
    return permissions


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """One group per role holding exactly its permissions; returns permission counts by role."""
    counts = {}
    for role in ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=role.name)
        permissions = _permissions_for(role)
        group.permissions.set(permissions)
        counts[role.name] = len(permissions)
    return counts


@transaction.atomic
def user_create_with_role(
    *, username: str, password: str, role: Role, first_name: str = "", last_name: str = ""
):
    """Create (or reset) a user in exactly one role; staff roles get admin-site staff status."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.is_staff = role.is_staff
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role.name)])
    return user


DEMO_STAFF = [
    (role, f"demo-{role.name}", first, last)
    for role, first, last in zip(
        STAFF_ROLES,
        ["Ana", "Ben", "Carmen", "Dolores", "Eddie", "Farah"],
        ["Ibarra", "Ito", "Castillo", "Sandoval", "Ruiz", "Nguyen"],
        strict=True,
    )
]


NIGHTLY_USERNAME = "district-nightly"


def nightly_user():
    """The user nightly jobs act as when they file requests: it cannot sign in, and its name
    on a request or in the history says the work was the scheduled job's."""
    user, created = get_user_model().objects.get_or_create(
        username=NIGHTLY_USERNAME,
        defaults={"first_name": "Nightly", "last_name": "jobs", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
