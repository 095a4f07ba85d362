"""Autopay's file formats: NACHA (ACH) files written, read and checked, the ABA routing number's
check digit and the Federal Reserve's banking days. No models: enrolment, drafting and returns
build on these modules."""
