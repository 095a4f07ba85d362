"""The portal's own date and time formats (FORMAT_MODULE_PATH): Django prefers a locale's
formats to the DATE_FORMAT settings, so the district's choice lives here, per language."""
