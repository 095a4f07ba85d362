"""The lobby queue: reception takes a ticket, the screen shows who waits, a CSR calls the next."""
