"""Users in the admin site: superusers manage them; supervisors look them up and force resets.

The admin site itself is open to superusers and to staff who may manage policies
(district.admin_site). Changing users (roles, staff status, e-mail) stays with superusers,
who hold every model permission; a supervisor only browses and may force a password reset,
which e-mails the link to the address already on file, so it can lock nobody out for good.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from district.models import User
from district.password_reset import password_reset_force
from district.password_reset_views import portal_base_url
from district.roles import Perm
from district.sessions import sessions_end_for_user
from district.sign_in import REAUTHENTICATION_APP
from district.staff_mfa import mfa_reset


@admin.register(User)
class DistrictUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "last_login",
    )
    actions = ["force_password_reset", "reset_two_step_sign_in"]
    # Roles (groups), superuser and staff status: what a change of privilege touches.
    PRIVILEGE_FIELDS = ("groups", "is_superuser", "is_staff", "user_permissions", "is_active")

    def _reauthenticated(self, view):
        # Role changes are sensitive: a stale session re-enters the password first.
        return reauthentication_required(view, allow_get=True, app=REAUTHENTICATION_APP)

    def add_view(self, request, form_url="", extra_context=None):
        return self._reauthenticated(super().add_view)(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._reauthenticated(super().change_view)(
            request, object_id, form_url, extra_context
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and set(form.changed_data) & set(self.PRIVILEGE_FIELDS):
            # A change of privilege ends the user's other sessions: none keeps the old role.
            sessions_end_for_user(form.instance, keep_session_key=request.session.session_key)

    def has_mfa_reset_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(Perm.MANAGE_POLICIES) or super().has_view_permission(
            request, obj
        )

    def has_force_reset_permission(self, request):
        return request.user.is_superuser or request.user.has_perm(Perm.MANAGE_POLICIES)

    @admin.action(description="Force password reset", permissions=["force_reset"])
    def force_password_reset(self, request, queryset):
        """End the selected users' passwords and sessions now; e-mail each a reset link."""
        base_url = portal_base_url(request)
        done, refused, without_email = 0, [], 0
        for user in queryset.order_by("pk"):
            try:
                password_reset_force(user=user, by=request.user, base_url=base_url)
            except PermissionDenied:
                refused.append(user.get_username())
                continue
            # The admin's log records who forced the reset, of whom and when.
            self.log_change(request, user, "Forced a password reset")
            done += 1
            without_email += not user.email
        if done:
            self.message_user(
                request,
                f"Forced a password reset for {done} user(s); their sessions have ended and "
                "each was e-mailed a link.",
                messages.SUCCESS,
            )
        if without_email:
            self.message_user(
                request,
                f"{without_email} of them have no e-mail address: set one so they can get back in.",
                messages.WARNING,
            )
        if refused:
            self.message_user(
                request,
                "Only a superuser may force a superuser's password reset: "
                + ", ".join(refused)
                + " left as they were.",
                messages.ERROR,
            )

    @admin.action(description="Reset two-step sign-in (MFA)", permissions=["mfa_reset"])
    def reset_two_step_sign_in(self, request, queryset):
        """Remove the selected users' authenticators (a lost phone or key): each sets up a new
        one at their next sign-in. Their sessions end; the admin's log records who and when."""
        done, refused = 0, []
        for user in queryset.order_by("pk"):
            try:
                removed = mfa_reset(user=user, by=request.user)
            except PermissionDenied as refusal:
                refused.append(f"{user.get_username()} ({refusal})")
                continue
            self.log_change(
                request, user, f"Reset two-step sign-in ({removed} authenticator(s) removed)"
            )
            done += 1
        if done:
            self.message_user(
                request,
                f"Reset two-step sign-in for {done} user(s); their sessions have ended and each "
                "sets up an authenticator app at the next sign-in.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, "Not reset: " + ", ".join(refused), messages.ERROR)
