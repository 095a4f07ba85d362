"""Shared fixtures: users in each role, signed-in clients, and Celery run in-process by default."""

import pytest

from district import roles
from district.celery import app as celery_app
from district.services import roles_sync, user_create_with_role

PASSWORD = "correct-horse-battery-staple"


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


@pytest.fixture
def role_groups(db):
    roles_sync()


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
