"""Converting a district from its old customer information system (docs/conversion.md)."""
