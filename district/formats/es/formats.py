"""Spanish for US customers: the same MM/DD/YYYY dates as English (Django's own Spanish formats
read 03/04/2026 as 3 April, a different due date) and dollars with a decimal point ($1,234.56),
as US utilities print them in Spanish. Month names still come out in Spanish ("marzo de 2026")."""

DATE_FORMAT = "m/d/Y"
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i a"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = "m/d"
YEAR_MONTH_FORMAT = r"F \d\e Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]  # ISO first: <input type="date">
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0  # Sunday, as US calendars print
