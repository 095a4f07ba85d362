"""Late penalties on bills left unpaid past their due date and grace days (`services`)."""
