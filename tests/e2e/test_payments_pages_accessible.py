"""Every cashiering page a person opens, checked by axe-core in a real browser: the pages the
drawer's end-to-end test does not pass through (batches, returns, refunds, deposits, the bank)
are held to the same WCAG 2.1 A/AA rule. URL arguments come from the access matrix's builders."""

import re

from django.urls import reverse

from district import roles
from district.access import CUSTOMER, access_of
from tests.district.test_access_matrix import POST_ONLY, SAMPLE_KWARGS, _all_pages

# Pages that answer with a file (the browser downloads it), not a page to check.
FILES_NAMED = re.compile(r"pdf|download|signed_form")


def _payments_pages():
    for name, route, entry in _all_pages():
        if not name.startswith("payments:") or name in POST_ONLY or FILES_NAMED.search(name):
            continue
        if name.startswith("payments:api_") or access_of(entry.callback)[0] == CUSTOMER:
            continue  # programs' endpoints; a customer's pages are checked as the customer
        yield name, route, access_of(entry.callback)[1]


def test_every_payments_page_is_accessible(page, sign_in, assert_accessible, make_user):
    # The supervisor opens what their role allows; finance opens the bank's pages.
    supervisor_pages, finance_pages = [], []
    for name, route, permission in _payments_pages():
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        url = reverse(name, kwargs={argument: SAMPLE_KWARGS[argument]() for argument in arguments})
        if permission is None or permission in roles.SUPERVISOR.permissions:
            supervisor_pages.append(url)
        elif permission in roles.FINANCE.permissions:
            finance_pages.append(url)
    assert len(supervisor_pages) > 10 and finance_pages
    for role, urls in ((roles.SUPERVISOR, supervisor_pages), (roles.FINANCE, finance_pages)):
        page.context.clear_cookies()
        sign_in(page, role)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            assert_accessible(page)
    print(f"checked {len(supervisor_pages)} + {len(finance_pages)} pages")
