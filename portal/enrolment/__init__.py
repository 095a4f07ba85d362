"""Online enrolment: a customer proves they hold an account with facts from its bill, then
verifies their e-mail address; CSRs see and repair a login's online access (staff.py)."""
