"""The demo district generator: a realistic California water district from a seed.

`generate_district(accounts=300, years=2, seed=1)` lays out a town (town.py), plans who lives
where and what they owe (occupancy.py, people.py), makes the meter reads (reads.py) and loads
it all with COPY in one transaction (load.py, generate.py).
"""

from accounts.demo.generate import DistrictNotEmpty, Summary, default_as_of, generate_district

__all__ = ["DistrictNotEmpty", "Summary", "default_as_of", "generate_district"]
