"""Money rows are written once: a trigger refuses updates and deletes of these tables."""

import pgtrigger

APPEND_ONLY = pgtrigger.Update | pgtrigger.Delete
