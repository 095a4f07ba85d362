"""The registrations of ACH returns (menu entries, the account panel): the project keeps every
registration in a module named registrations.py, and payments/autopay/registrations.py is
enrolment's and drafting's. The returns' code is beside it in payments/autopay (returns, noc,
return_views, ...)."""
