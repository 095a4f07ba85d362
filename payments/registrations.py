"""What the payments app adds to the shared registries (imported from PaymentsConfig.ready()).

Each area registers its own menu entries, panels, approval kinds and history sources.
"""

import payments.autopay.ach_returns.registrations  # noqa: F401
import payments.autopay.registrations  # noqa: F401
import payments.bank.registrations  # noqa: F401
import payments.bank.tasks  # noqa: F401  (Celery registers the BAI2 import task)
import payments.batches.registrations  # noqa: F401
import payments.counter.registrations  # noqa: F401
import payments.deposits.registrations  # noqa: F401
import payments.online.registrations  # noqa: F401
import payments.refunds.registrations  # noqa: F401
import payments.returns.registrations  # noqa: F401
from district.ledger.periods import close_checks  # noqa: E402
from payments import integrity  # noqa: E402
from payments.bank.close_checks import deposits_reconciled, exceptions_resolved  # noqa: E402

integrity.register()
close_checks.register("deposits", "Deposits matched to the bank", deposits_reconciled, order=20)
close_checks.register(
    "exceptions", "Payment and bank exceptions resolved", exceptions_resolved, order=30
)
