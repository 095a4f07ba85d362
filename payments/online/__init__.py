"""Paying online through a hosted processor page (PCI SAQ-A): gateways, services, the customer's
pay and return pages, the processor's webhook and the staff list of online payments."""
