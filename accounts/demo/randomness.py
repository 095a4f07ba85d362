"""The generator's random stream: `random.Random`, with cheaper integer draws.

randrange, randint and choice are the generator's hottest calls (millions for 100,000
accounts). Here they take 32 random bits and scale them (multiply-shift) instead of the
standard library's rejection loop: about four times faster, and built only on getrandbits, so
a seed gives the same district on every Python version. The bias, under n / 2**32, does not
matter for demo data.
"""

import random
from bisect import bisect


class DemoRandom(random.Random):
    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step != 1 or stop <= start:
            return super().randrange(start, stop, step)
        return start + ((self.getrandbits(32) * (stop - start)) >> 32)

    def randint(self, a, b):
        return self.randrange(a, b + 1)

    def choice(self, seq):
        return seq[(self.getrandbits(32) * len(seq)) >> 32]

    def weighted(self, population, cum_weights):
        """`choices(population, cum_weights=cum_weights)[0]` without choices' checks and list
        on every call: the same draw from the same stream, so the same district."""
        total = cum_weights[-1] + 0.0
        return population[bisect(cum_weights, self.random() * total, 0, len(population) - 1)]
