"""The public sample bank files of ../shared/data/bank (read in place, never copied here).

SHARED_DATA_DIR points elsewhere when the checkout does not sit beside the shared folder; the
tests that need the files skip, saying so, when they are absent.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

SHARED_DATA = Path(
    os.environ.get("SHARED_DATA_DIR") or Path(settings.BASE_DIR).parent / "shared" / "data"
)
SAMPLES = SHARED_DATA / "bank"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"no sample bank files at {SAMPLES} (set SHARED_DATA_DIR)"
)
