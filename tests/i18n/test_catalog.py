"""The Spanish catalog is complete: every string marked anywhere has a real translation, and
every customer-facing template marks its text (so nothing reaches a customer untranslated)."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages

from tests.i18n.customer_templates import customer_template_paths, unmarked_text

BASE = Path(settings.BASE_DIR)
SPANISH_PO = BASE / "locale" / "es" / "LC_MESSAGES" / "django.po"
# What makemessages reads (the Makefile's `messages` and the README say the same).
EXTENSIONS = ["html", "txt", "py", "svg"]
IGNORED = [".venv", "node_modules", "static", "var", "tests", "bench"]
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgen", "msgfmt")


def _tools_present():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    assert not missing, f"GNU gettext is needed (apt-get install gettext): {missing} missing"


class _ExtractOnly(makemessages.Command):
    """makemessages writing its fresh catalog into `target`, never into the project's locale/."""

    target: str = ""

    def find_files(self, root):
        files = super().find_files(root)
        self.locale_paths = [self.target]
        for translatable in files:
            translatable.locale_dir = self.target
        return files


def _catalog(po_file: Path, tmp_path: Path, *, every_msgid: bool = False) -> dict:
    """The catalog msgfmt compiles from a .po (it drops fuzzy and empty entries). every_msgid:
    each msgid translated as itself first (msgen), so the keys are every marked string."""
    source = po_file
    if every_msgid:
        source = tmp_path / "every.po"
        subprocess.run(["msgen", "-o", str(source), str(po_file)], check=True)
    compiled = tmp_path / f"{po_file.stem}-{every_msgid}.mo"
    # A fresh extraction's header has Django's Spanish plural forms (3) and msgen's copies
    # only 2: --check is for the committed catalog.
    checks = [] if every_msgid else ["--check"]
    subprocess.run(["msgfmt", *checks, "-o", str(compiled), str(source)], check=True)
    with compiled.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header
    return catalog


@pytest.mark.parametrize(
    "template", customer_template_paths(), ids=lambda path: str(path.relative_to(BASE))
)
def test_customer_template_marks_every_word_for_translation(template):
    # given a template customers read
    # when its text outside translation tags is gathered
    unmarked = unmarked_text(template)
    # then there is none
    assert unmarked == [], f"Wrap in {{% translate %}} / {{% blocktranslate %}}: {unmarked}"


def test_the_rule_finds_unmarked_words(tmp_path):
    # given a template with marked text, data and tags, and words left bare in a text node and
    # in an attribute read out by screen readers
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<style>p { color: red; }</style>"
        '<p class="x">{% translate "Marked" %} {{ name }}</p>'
        "{% blocktranslate %}Also {{ marked }}{% endblocktranslate %}{# a comment #}"
        '<p>Bare words</p><a href="{% url "home" %}" aria-label="Left bare">–</a>'
    )
    # when the rule reads it
    unmarked = unmarked_text(template)
    # then it names exactly the bare words
    assert unmarked == ["Bare words", "Left bare"]


def test_spanish_catalog_translates_every_marked_string(tmp_path, monkeypatch):
    _tools_present()
    # given a fresh extraction of every marked string in the project (templates and Python)
    monkeypatch.chdir(BASE)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    command = _ExtractOnly()
    command.target = str(fresh)
    call_command(
        command, locale=["es"], extensions=EXTENSIONS, ignore_patterns=IGNORED, verbosity=0
    )
    marked = _catalog(fresh / "es" / "LC_MESSAGES" / "django.po", tmp_path, every_msgid=True)
    # when it is compared with the Spanish catalog (fuzzy and empty entries do not count)
    translated = _catalog(SPANISH_PO, tmp_path)
    # then every marked string has a translation
    assert marked, "the extraction found no marked strings"
    untranslated = sorted(str(key) for key in marked if key not in translated)
    assert untranslated == [], (
        "Strings without a Spanish translation (run `manage.py makemessages -l es` with the "
        f"options above, translate them in {SPANISH_PO.relative_to(BASE)}): {untranslated}"
    )


def test_spanish_catalog_has_no_fuzzy_untranslated_or_obsolete_entries():
    _tools_present()
    # given the committed catalog
    # when msgattrib lists its fuzzy, untranslated and obsolete entries
    for option in ("--only-fuzzy", "--untranslated", "--only-obsolete"):
        listed = subprocess.run(
            ["msgattrib", option, "--no-wrap", str(SPANISH_PO)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # then there are none
        entries = [line for line in listed.splitlines() if line.startswith(("msgid", "#~ msgid"))]
        assert entries == [], f"{option}: {entries}"
