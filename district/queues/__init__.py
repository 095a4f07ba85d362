"""The supervisor's queues: every waiting pile of work in one place, with its count and age.

Each queue is an entry of a registry (district.queues.registry) listed in ONE module,
district.queues.catalog. Its count comes from a function named by a dotted path and resolved
when the page is drawn (django.utils.module_loading.import_string), so district, the lowest
layer, lists the queues of billing or payments without importing them: a missing or failing
source shows "unavailable" instead of breaking the page.
"""
