"""Policy pages: the list every counter role may read, and the supervisor's edit page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.models import Policy
from district.policies import policies_by_category, policy_display, policy_edit_text, policy_update
from district.roles import Perm


class PolicyForm(forms.Form):
    value = forms.CharField(label="Value", max_length=200, required=False)
    reason = forms.CharField(
        label="Why the change (kept in the history)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        hints = {
            Policy.ValueType.MONEY: "Dollars and cents, e.g. 25 or 1,250.00.",
            Policy.ValueType.PERCENT: "0 to 100, e.g. 7.5.",
            Policy.ValueType.INTEGER: "A whole number, 0 or more.",
            Policy.ValueType.DAYS: "A number of days, 0 or more.",
            Policy.ValueType.BOOLEAN: "Yes or no.",
        }
        self.fields["value"].label = f"{policy.label} ({policy.get_value_type_display()})"
        self.fields["value"].help_text = hints.get(policy.value_type, "")
        if policy.value_type == Policy.ValueType.BOOLEAN:
            self.fields["value"].widget = forms.Select(choices=[("yes", "Yes"), ("no", "No")])


@staff_view(Perm.VIEW_ACCOUNTS)
@require_http_methods(["GET"])
def policies(request):
    """District policies by category: limits, fees, cashiering rules."""
    return render(
        request,
        "district/policies.html",
        {
            "groups": policies_by_category(),
            "can_edit": request.user.has_perm(Perm.MANAGE_POLICIES),
            "can_see_history": request.user.has_perm(Perm.VIEW_HISTORY),
        },
    )


@staff_view(Perm.MANAGE_POLICIES)
@require_http_methods(["GET", "POST"])
def policy_edit(request, policy_id):
    """Change one policy's value; the change and its reason land in the policy's history."""
    policy = get_object_or_404(Policy.objects.select_related("updated_by"), pk=policy_id)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST, policy=policy)
        if form.is_valid():
            try:
                policy = policy_update(
                    key=policy.key,
                    value=form.cleaned_data["value"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{policy.label} is now {policy_display(policy)}.")
                return redirect("policies")
        status = 400
    else:
        form = PolicyForm(initial={"value": policy_edit_text(policy)}, policy=policy)
    return render(
        request,
        "district/policies_edit.html",
        {"policy": policy, "current": policy_display(policy), "form": form},
        status=status,
    )
