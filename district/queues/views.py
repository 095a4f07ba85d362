"""The supervisor's queues page: every pile of work with its count and how long it has waited."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from district.access import staff_view
from district.queues.registry import queue_states
from district.roles import Perm


@staff_view(Perm.APPROVE_REQUESTS)
@require_GET
def queues(request):
    return render(request, "district/queues/queues.html", {"states": queue_states(request.user)})
