"""What sign-in security hooks into (imported by district/registrations.py): the idle-timeout
policies' post_migrate receiver, the idle limit kept at each sign-in, and MFA set-up counting
as the session's MFA step. Session plumbing, not business logic: Django's and allauth's own
sign-in signals are the hooks they offer."""

from allauth.mfa.signals import authenticator_added
from django.apps import apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate

from district.reference_data import ensure_policies
from district.sessions import POLICIES, remember_idle_limit
from district.staff_mfa import record_mfa_on_setup


def ensure_session_policies(sender=None, **kwargs) -> None:
    """post_migrate receiver (district's): the idle-timeout policies exist, values untouched."""
    if sender is None or sender.label != "district":
        return
    state = kwargs.get("apps") or apps
    try:
        policy_model = state.get_model("district", "Policy")
    except LookupError:
        return
    ensure_policies(policy_model, POLICIES)


post_migrate.connect(ensure_session_policies, dispatch_uid="district-session-policies")
user_logged_in.connect(remember_idle_limit, dispatch_uid="district-idle-limit")
authenticator_added.connect(record_mfa_on_setup, dispatch_uid="district-mfa-on-setup")
