"""Dates for people read MM/DD/YYYY everywhere in the portal (screens, PDFs, e-mails); ISO 8601
is for files and for the value of <input type="date">. Times in 12-hour clock."""

DATE_FORMAT = "m/d/Y"
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i a"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = "m/d"
YEAR_MONTH_FORMAT = "F Y"
