"""account_page pages."""
