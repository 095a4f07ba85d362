"""Hydrant meter usage: the monthly reads of a lent meter and its monthly bills (water from the
rate engine's hydrant schedule, rental by meter size, the missing-read charge), the idle meters'
pull orders, the return (pick-up, final read, inspection, final bill) or a lost meter, and the
permit's settlement against its deposit. Services: reads, billing, returns, settlement."""
