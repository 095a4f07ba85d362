"""Staff pages for premises, meters and reads."""
