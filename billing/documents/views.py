"""Staff pages of a bill: the detail page, its PDF, and "why is this bill high?". Thin."""

from django.http import HttpResponse
from django.shortcuts import render

from billing.documents.explain import explain_bill
from billing.documents.pdf import bill_pdf_file
from billing.documents.selectors import bill_for_document
from district.access import staff_view
from district.roles import Perm


@staff_view(Perm.VIEW_ACCOUNTS)
def bill_detail(request, bill_id: int):
    bill = bill_for_document(bill_id)
    explanation = explain_bill(bill, with_orders=False)
    return render(
        request,
        "billing/bills/bill_detail.html",
        {"doc": explanation.document, "bill": bill, "explanation": explanation},
    )


@staff_view(Perm.VIEW_ACCOUNTS)
def bill_pdf_view(request, bill_id: int):
    bill = bill_for_document(bill_id)
    content = bill_pdf_file(bill)
    name = f"bill-{bill.number}.pdf" if bill.number else f"draft-bill-{bill.pk}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    # A bill carries the customer's name and address (and a draft changes until it posts):
    # never kept in a browser cache, posted or not.
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(Perm.VIEW_ACCOUNTS)
def bill_why_high(request, bill_id: int):
    bill = bill_for_document(bill_id)
    explanation = explain_bill(bill)
    return render(
        request,
        "billing/bills/why_high.html",
        {"explanation": explanation, "doc": explanation.document, "bill": bill},
    )
