"""The dispatch board: reads (selectors), thin writes over the work-order services (services)
and the technician's printable route sheet (route_sheet)."""
