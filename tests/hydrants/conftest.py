"""Fixtures of the hydrant rentals' tests."""

import pytest


@pytest.fixture
def hydrant_media(settings, tmp_path):
    """Uploaded certificates go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
