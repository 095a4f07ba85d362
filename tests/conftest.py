"""Shared fixtures: users in each role, signed-in clients, and Celery run in-process by default.

The role groups are synced once per test database (at session start), not once per test: each
test's transaction rolls back to a database that already holds them. A transactional test's
flush empties the groups table, so the per-test fixture re-syncs only when they are missing.
"""

import pytest
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.test import Client

from district import roles
from district.celery import app as celery_app
from district.services import roles_sync, user_create_with_role
from district.staff_mfa import sign_in_fully_for_tests
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process unless a test asks for the real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def _force_login_is_a_full_sign_in():
    """Staff pages need a session that passed MFA lately (STAFF_MFA_REQUIRED, on in tests;
    re-authentication before refunds, voids, ...). client.force_login skips the sign-in form,
    so here it also writes what a password-then-TOTP sign-in leaves in the session, just now.
    The tests of that enforcement (tests/district/test_staff_mfa.py, test_reauthentication.py)
    sign in through the real pages instead."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session  # a fresh store on the cookie force_login just set
        request = HttpRequest()
        request.session = session
        sign_in_fully_for_tests(request, user)
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login)
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (created, or kept with --reuse-db) with the role groups synced."""
    with django_db_blocker.unblock():
        roles_sync()


@pytest.fixture
def role_groups(db):
    """Every role's group exists (re-synced only after a transactional test's flush)."""
    names = [role.name for role in roles.ALL_ROLES]
    if Group.objects.filter(name__in=names).count() != len(names):
        roles_sync()


@pytest.fixture(autouse=True)
def _role_groups_for_database_tests(request):
    """A database test that makes users through builders (not make_user) finds the role groups
    too, whatever ran before it on its worker (a transactional test's flush empties them)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and not marker.kwargs.get("transaction"):
        request.getfixturevalue("role_groups")


@pytest.fixture
def make_user(role_groups):
    """make_user(roles.CSR_I) -> a user in that role (username defaults to the role's name)."""
    created = {}

    def make(role: roles.Role, username: str | None = None, **names):
        username = username or f"user-{role.name}-{len(created)}"
        user = user_create_with_role(username=username, password=PASSWORD, role=role, **names)
        created[username] = user
        return user

    return make


@pytest.fixture
def client_for(client, make_user):
    """client_for(roles.CSR_II) -> a test client signed in as a new user in that role."""

    def sign_in(role: roles.Role):
        user = make_user(role)
        client.force_login(user)
        client.user = user
        return client

    return sign_in
