"""Registries: one rule for a repeated registration, registrations only in registrations.py, and
`manage.py registries` pinned in a snapshot.

When a change adds, removes or moves a registered entry on purpose, refresh the snapshot with
    UPDATE_SNAPSHOTS=1 pytest tests/district/test_registries.py
(or `python manage.py registries > tests/district/snapshots/registries.txt`) and review the diff.
"""

import ast
import os
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from district.registries import Registry, all_registries

SNAPSHOT = Path(__file__).parent / "snapshots" / "registries.txt"
PROJECT_APPS = ("district", "accounts", "billing", "field_ops", "payments", "hydrants")


def _registry(**options) -> Registry:
    return Registry("test", describe=lambda key, entry: f"{key}={entry}", listed=False, **options)


def test_registering_the_same_entry_again_is_a_no_op():
    # given
    registry = _registry()
    registry.register("a", ("handler", 1))
    # when
    registry.register("a", ("handler", 1))
    # then
    assert registry.items() == [("a", ("handler", 1))]


def test_registering_a_key_with_another_entry_is_refused_and_keeps_the_first():
    # given
    registry = _registry()
    registry.register("a", "first")
    # when / then
    with pytest.raises(ImproperlyConfigured, match="'a' is already registered"):
        registry.register("a", "second")
    assert registry.get("a") == "first"


def test_entries_come_in_registration_order_or_the_registry_s_own():
    # given
    unordered, ordered = _registry(), _registry(order=lambda key, entry: entry)
    for registry in (unordered, ordered):
        registry.register("b", 2)
        registry.register("a", 1)
        registry.register("c", 3)
    # when / then
    assert unordered.entries() == [2, 1, 3]
    assert ordered.entries() == [1, 2, 3]
    assert ordered.lines() == ["a=1", "b=2", "c=3"]


def test_unregister_forgets_an_entry():
    # given
    registry = _registry()
    registry.register("a", 1)
    # when
    registry.unregister("a")
    registry.unregister("never-there")
    # then
    assert "a" not in registry and len(registry) == 0


def test_two_registries_may_not_share_a_name():
    # given
    name = all_registries()[0].name
    # when / then
    with pytest.raises(ImproperlyConfigured, match="Two registries"):
        Registry(name, describe=repr)


def test_every_project_app_registers_through_its_registrations_module():
    # given: the project's apps, as installed
    configs = [
        config for config in apps.get_app_configs() if config.name.split(".")[0] in PROJECT_APPS
    ]
    # when / then: ready() imported each app's registrations.py
    assert configs
    for config in configs:
        assert f"{config.name}.registrations" in sys.modules, config.name


def _module_level_calls(tree: ast.Module):
    """Calls made when the module is imported: top-level statements and loops/ifs among them."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.For | ast.If | ast.With | ast.Try):
            pending.extend(node.body + node.orelse)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue  # decorators (Django's system checks, template tags) are not registries
        for call in ast.walk(node):
            if isinstance(call, ast.Call):
                yield call


def _called_name(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def test_only_registrations_modules_register_when_imported():
    # given: every module of the project's apps, except registrations.py and migrations
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in PROJECT_APPS:
        for path in sorted((root / app).rglob("*.py")):
            if path.name == "registrations.py" or "migrations" in path.parts:
                continue
            text = path.read_text()
            if "register" not in text:
                continue
            # when
            for call in _module_level_calls(ast.parse(text, filename=str(path))):
                name = _called_name(call)
                if name == "register" or name.startswith("register_"):
                    offenders.append(f"{path.relative_to(root)}:{call.lineno} {name}()")
    # then
    assert offenders == []


def _imported_modules(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_celery_task_module_is_imported_by_a_registrations_module():
    # given: the modules that define tasks (a worker only knows the tasks it has imported;
    # autodiscovery finds an app's top-level tasks.py only)
    root = Path(settings.BASE_DIR)
    task_modules, imported = set(), set()
    for app in PROJECT_APPS:
        for path in sorted((root / app).rglob("*.py")):
            text = path.read_text()
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            if path.name == "registrations.py":
                imported |= _imported_modules(ast.parse(text))
            elif ("@shared_task" in text or "@app.task" in text) and module != "district.celery":
                task_modules.add(module)
    # when / then
    assert task_modules and task_modules <= imported, sorted(task_modules - imported)


def test_manage_py_registries_prints_what_the_snapshot_holds():
    # given
    output = StringIO()
    # when
    call_command("registries", stdout=output)
    # then
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(output.getvalue())
    assert output.getvalue() == SNAPSHOT.read_text(), (
        "The registries changed: if on purpose, refresh the snapshot (see this file's docstring)."
    )
