"""Bill corrections (cancel and rebill) and account adjustments, leak adjustments included."""
