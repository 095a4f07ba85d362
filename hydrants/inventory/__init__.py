"""The rental fleet: hydrant meters (receive, test, repair, lose, retire) and the hydrants."""
