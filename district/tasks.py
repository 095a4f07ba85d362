"""District-wide background work: the password-reset e-mail."""

from district.celery import app
from district.password_reset_mail import reset_mail_send


@app.task(name="district.password_reset_mail_send")
def password_reset_mail_send(
    *, user_id: int, base_url: str, forced: bool = False, language: str | None = None
) -> bool:
    """E-mail a reset link to the user (sending twice sends two links, both valid once)."""
    return reset_mail_send(user_id=user_id, base_url=base_url, forced=forced, language=language)
