"""CSR I review pages: the items waiting (or reviewed), and one item's sign-off."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from district.access import staff_view
from district.forms import add_service_error
from district.review import selectors, services
from district.review.forms import ReviewSignOffForm
from district.roles import Perm

PAGE_SIZE = 50


@staff_view(Perm.APPROVE_REQUESTS)
@require_GET
def review_queue(request):
    reviewed = request.GET.get("show") == "reviewed"
    page = Paginator(selectors.review_items(reviewed=reviewed), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "district/review/queue.html", {"page": page, "reviewed": reviewed})


@staff_view(Perm.APPROVE_REQUESTS)
@require_http_methods(["GET", "POST"])
def review_item(request, review_item_id):
    item = selectors.review_item_get(review_item_id)
    if item is None:
        raise Http404("No such review item.")
    form = ReviewSignOffForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_item_sign_off(
                    item_id=item.pk,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Review #{item.pk} signed off.")
                return redirect("review:queue")
        status = 422
    return render(
        request,
        "district/review/item.html",
        {
            "item": item,
            "form": form,
            "record_url": selectors.review_item_record_url(item),
            "own_work": item.done_by_id == request.user.pk,
        },
        status=status,
    )
