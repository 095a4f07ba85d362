"""Ledger fixtures: service accounts to tag lines with (the line FK needs real ones)."""

import pytest

from tests.factories import ServiceAccountFactory


@pytest.fixture
def service_account(db):
    return ServiceAccountFactory()


@pytest.fixture
def make_service_account(db):
    return ServiceAccountFactory
