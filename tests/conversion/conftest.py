import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "conversion"


@pytest.fixture
def files(tmp_path) -> Path:
    """A copy of the documented example set, to spoil one way per test."""
    directory = tmp_path / "conversion"
    shutil.copytree(EXAMPLE, directory)
    return directory


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_to(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
