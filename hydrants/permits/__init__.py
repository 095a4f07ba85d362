"""Hydrant permits: made at the counter, approved by water operations (and the fire department
when needed), charged and paid, then a meter issued on them."""
