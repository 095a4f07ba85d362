"""The password-reset e-mail: the single-use link and the message that carries it.

Built when the mail goes out (in the task), so the token never travels through the broker.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def reset_link(user, base_url: str) -> str:
    """The single-use link for the user as it stands now (absolute when base_url is)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{base_url.rstrip('/')}{path}"


def reset_mail_send(
    *, user_id: int, base_url: str, forced: bool = False, language: str | None = None
) -> bool:
    """Send the reset e-mail to an active user with an address; False when there is none.
    Written in `language` when the portal speaks it, else English."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    context = {
        "user": user,
        "link": reset_link(user, base_url),
        "forced": forced,
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "district_name": settings.DISTRICT_NAME,
        "district_phone": settings.DISTRICT_PHONE,
    }
    if language not in dict(settings.LANGUAGES):
        language = "en"
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
