"""ABA routing transit numbers: nine digits whose last is a check digit (weights 3, 7, 1)."""

_WEIGHTS = (3, 7, 1, 3, 7, 1, 3, 7, 1)


def aba_check_digit(first_eight: str) -> int:
    """The check digit that completes the routing number's first eight digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_eight, _WEIGHTS[:8], strict=True)
    )
    return (10 - total % 10) % 10


def aba_check_digit_ok(routing: str) -> bool:
    """True for nine digits whose 3-7-1 weighted sum is a multiple of ten."""
    if len(routing) != 9 or not routing.isascii() or not routing.isdigit():
        return False
    return (
        sum(int(digit) * weight for digit, weight in zip(routing, _WEIGHTS, strict=True)) % 10 == 0
    )


def aba_problem(routing: str) -> str:
    """Why `routing` is not a routing number ("" when it is one), in words a CSR can act on."""
    if len(routing) != 9 or not routing.isascii() or not routing.isdigit():
        return f"the routing number “{routing}” is not nine digits"
    if not aba_check_digit_ok(routing):
        return (
            f"the routing number {routing} fails its check digit (the last digit should be "
            f"{aba_check_digit(routing[:8])}): a digit was mistyped"
        )
    return ""
