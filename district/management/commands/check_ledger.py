"""Check the books: every journal balances, the ledger sums to zero, the balance cache is right."""

from django.core.management.base import BaseCommand, CommandError

from district.ledger.selectors import ledger_counts, ledger_problems


class Command(BaseCommand):
    help = (
        "Verify the ledger's rules (balanced journals of two or more lines, a zero-sum ledger, "
        "account balances equal to their receivable lines, line dates equal to their journal's). "
        "Exits non-zero and names each broken rule."
    )

    def handle(self, *args, **options):
        problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger check failed: {len(problems)} rule(s) broken")
        journals, lines = ledger_counts()
        self.stdout.write(f"ledger OK: {journals} journals, {lines} lines")
