"""Masks for customer data a role does not need (Gov. Code 6254.16): the last four digits of a
phone, the first letter of an e-mail's mailbox, and a word for anything else."""

MASKED = "(masked)"


def mask_phone(value) -> str:
    digits = "".join(character for character in str(value) if character.isdigit())
    return f"***-***-{digits[-4:]}" if len(digits) >= 4 else MASKED if value else ""


def mask_email(value) -> str:
    local, _, domain = str(value).partition("@")
    return f"{local[:1]}***@{domain}" if domain else MASKED if value else ""


def mask_other(value) -> str:
    return MASKED if value not in (None, "") else ""
