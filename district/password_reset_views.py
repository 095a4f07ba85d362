"""The "forgot your password?" pages: ask for a link, the neutral answer, set a new password.

Thin: district.password_reset decides whom to e-mail and throttles; Django's
PasswordResetConfirmView checks the link (it moves the token out of the URL into the session
before showing the form, so the token never leaks through a Referer header).
"""

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from district.access import public_view
from district.client_ip import client_ip
from district.password_reset import password_reset_completed, password_reset_request


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address the district has on file for your sign-in.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ResetSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs["autofocus"] = True


def portal_base_url(request) -> str:
    """Where links in e-mails point: PORTAL_BASE_URL when set (a forged Host header cannot
    redirect a reset link elsewhere), else this request's own scheme and host."""
    return settings.PORTAL_BASE_URL or request.build_absolute_uri("/")


@public_view
@sensitive_post_parameters("email")
@csrf_protect
def password_reset(request):
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        password_reset_request(
            email=form.cleaned_data["email"],
            client_address=client_ip(request),
            base_url=portal_base_url(request),
        )
        # The same answer for every well-formed address, known, unknown or throttled.
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@public_view
def password_reset_done(request):
    return render(
        request,
        "registration/password_reset_done.html",
        {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_completed(form.user)
        return response


password_reset_confirm = public_view(PasswordResetConfirmView.as_view())
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"
    )
)
