"""The billing calendar: billing cycles, their periods and the read/bill schedule of each period
(`services`), the calendar and cycle pages (`views`, `forms`)."""
