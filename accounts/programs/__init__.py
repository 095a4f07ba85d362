"""Assistance and outreach programs: enrolments, SB 998 income qualification, bill credits."""
