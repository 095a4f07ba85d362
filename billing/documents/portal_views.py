"""The customer portal's bill pages: my bills, one bill, its PDF. Thin: the access_* selectors
fetch and authorize, and another customer's bill answers 404."""

from django.http import HttpResponse
from django.shortcuts import render

from billing.documents.explain import explain_bill
from billing.documents.pdf import bill_pdf_file
from billing.documents.portal_selectors import access_customer_bill, customer_bills
from district.access import customer_view


@customer_view
def portal_bills(request):
    bills = customer_bills(request.user)
    accounts = {bill.account_id for bill in bills}
    return render(
        request,
        "billing/portal/bills.html",
        {"bills": bills, "several_accounts": len(accounts) > 1},
    )


@customer_view
def portal_bill(request, bill_id: int):
    bill = access_customer_bill(request.user, bill_id)
    # The customer reads the same comparison as the counter (no work orders: those are ours).
    explanation = explain_bill(bill, with_orders=False)
    return render(
        request,
        "billing/portal/bill.html",
        {"doc": explanation.document, "bill": bill, "explanation": explanation},
    )


@customer_view
def portal_bill_pdf(request, bill_id: int):
    bill = access_customer_bill(request.user, bill_id)
    content = bill_pdf_file(bill)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bill-{bill.number}.pdf"'
    # A bill carries the customer's name and address: never kept in a browser cache.
    response["Cache-Control"] = "private, no-store"
    return response
