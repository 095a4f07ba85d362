"""HHS poverty guidelines for the 48 contiguous states and the District of Columbia.

Published each January in the Federal Register ("Annual Update of the HHS Poverty
Guidelines"); a household's income is compared with the guideline in effect on the day asked
about. Add next year's figures when HHS publishes them (the latest year stays in use until then).

Sources: 89 FR (January 17, 2024); 90 FR 5917 (January 17, 2025, effective January 15, 2025);
91 FR 1797 (January 15, 2026, effective January 13, 2026).
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PovertyGuideline:
    year: int
    effective_from: datetime.date
    # Annual dollars for households of 1 to 8 people, then each person over 8.
    by_size: tuple[int, int, int, int, int, int, int, int]
    each_additional: int

    def for_household(self, size: int) -> int:
        if size < 1:
            raise ValueError("A household has at least one person.")
        if size <= len(self.by_size):
            return self.by_size[size - 1]
        return self.by_size[-1] + (size - len(self.by_size)) * self.each_additional


GUIDELINES = (
    PovertyGuideline(
        2024,
        datetime.date(2024, 1, 17),
        (15060, 20440, 25820, 31200, 36580, 41960, 47340, 52720),
        5380,
    ),
    PovertyGuideline(
        2025,
        datetime.date(2025, 1, 15),
        (15650, 21150, 26650, 32150, 37650, 43150, 48650, 54150),
        5500,
    ),
    PovertyGuideline(
        2026,
        datetime.date(2026, 1, 13),
        (15960, 21640, 27320, 33000, 38680, 44360, 50040, 55720),
        5680,
    ),
)


def guideline_on(day: datetime.date) -> PovertyGuideline:
    """The guideline in effect on `day` (the earliest known one for days before it)."""
    in_effect = [g for g in GUIDELINES if g.effective_from <= day]
    return in_effect[-1] if in_effect else GUIDELINES[0]
