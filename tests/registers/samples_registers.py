"""Builders of URL arguments and POST-only page names of the registers (merged by the access
matrix). Every register's page and downloads are reached without arguments
(registers:<slug>[_csv|_xlsx|_pdf]), so there is nothing to build and nothing is POST-only."""

SAMPLE_KWARGS: dict = {}
POST_ONLY: set = set()
