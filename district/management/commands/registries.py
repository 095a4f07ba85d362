"""Print what every registry holds, in the order it is used (tests pin it in a snapshot)."""

from django.core.management.base import BaseCommand

from district.registries import all_registries


def registries_text() -> str:
    """Each registry by name with its entry count, then one line per entry."""
    lines = []
    for registry in all_registries():
        lines.append(f"{registry.name} ({len(registry)})")
        lines.extend(f"  {line}" for line in registry.lines())
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "List every registry (panels, menu entries, account actions, approval kinds, completion "
        "handlers, deposit history sources, ledger checks, history models, search box) and what "
        "the apps registered in it, in order."
    )

    def handle(self, *args, **options):
        self.stdout.write(registries_text(), ending="")
