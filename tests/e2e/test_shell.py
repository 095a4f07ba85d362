"""The UI shell in a real browser: sign-in, home per role, the search shortcut, accessibility."""

import re

from playwright.sync_api import expect

from district import roles


def test_sign_in_page_is_accessible(page, assert_accessible):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_each_staff_role_reaches_an_accessible_home(page, sign_in, assert_accessible):
    for role in roles.STAFF_ROLES:
        sign_in(page, role)
        expect(page.get_by_text(role.label).first).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_home_page_focuses_the_search_box_and_slash_returns_to_it(page, sign_in):
    sign_in(page, roles.CSR_I)
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.goto("/policies/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"


def test_skip_link_is_the_first_tab_stop(page, sign_in):
    sign_in(page, roles.CSR_I)
    # The home page focuses the search box; a page without autofocus starts at the top.
    page.goto("/policies/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
