"""Correspondence: letter templates the supervisor edits (versioned, restricted to merge fields),
letters rendered from them and logged to the account, print batches for the print shop, and the
log of customer-data exports (Gov. Code 6254.16)."""
