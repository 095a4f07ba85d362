"""Meter reads in billing's context: checks against usual use and the billing calendar
(`context`), the route read sheet and a period's progress (`selectors`), entering a read and
estimating the missing ones (`services`). Read files are loaded by billing.reads.imports.
"""
