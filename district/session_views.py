"""The page of your open sessions: see them, sign out any or all of the others."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from district.access import signed_in_view
from district.errors import ServiceError
from district.roles import is_staff_user
from district.sign_in import reauthentication_required
from district.user_sessions import open_sessions, session_recorded, sessions_end


@signed_in_view
@reauthentication_required
def sessions(request):
    if request.method == "POST":
        chosen = request.POST.get("session")
        try:
            ended = sessions_end(
                request, session_ids=None if chosen == "all" else [_session_id(chosen)]
            )
        except ServiceError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "Signed out %(count)d other session.",
                    "Signed out %(count)d other sessions.",
                    ended,
                )
                % {"count": ended},
            )
        return redirect("usersessions_list")
    session_recorded(request)
    # A customer sees it in the portal's layout (with its menu), staff in the staff one.
    template = "district/sessions.html" if is_staff_user(request.user) else "portal/sessions.html"
    return render(request, template, {"sessions": open_sessions(request)})


def _session_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError(_("Choose a session to sign out.")) from None
