"""Speed and reach by keyboard, in a browser: the header's menus, the "?" overlay, "/" and
Ctrl+/ to the search, the focus on arrival on a form, and a header that never overlaps."""

from django.urls import reverse
from playwright.sync_api import expect

from district import roles


def _overlap(first: dict, second: dict) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def test_a_menu_opens_with_the_keyboard_and_escape_closes_it(page, sign_in):
    # given
    sign_in(page, roles.SUPERVISOR)
    toggle = page.get_by_role("button", name="Cash")
    # when: the menu button gets the focus and Enter opens it
    toggle.focus()
    page.keyboard.press("Enter")
    # then
    expect(toggle).to_have_attribute("aria-expanded", "true")
    drawer = page.get_by_role("link", name="Cash drawer")
    expect(drawer).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".dropdown-menu.show .dropdown-item").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_question_mark_shows_the_shortcuts_and_escape_gives_the_focus_back(
    page, sign_in, assert_accessible
):
    # given: the focus is on the page's main region (a click in it)
    sign_in(page, roles.CSR_I)
    page.goto(reverse("policies"))
    page.locator("h1").first.click()
    expect(page.locator("#main")).to_be_focused()
    # when
    page.keyboard.press("?")
    # then
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Go to the search box, also while typing in a field")).to_be_visible()
    assert_accessible(page)
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()


def test_a_key_pressed_while_the_shortcuts_fade_out_keeps_the_focus_it_gave(page, sign_in):
    # given: the overlay is open over the main region
    sign_in(page, roles.CSR_I)
    page.goto(reverse("policies"))
    page.locator("h1").first.click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    # (opened: the close button has the focus; Bootstrap ignores Escape while it fades in)
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    # when: "/" follows Escape at once, before the overlay has finished closing
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    # then: once the overlay has closed (Bootstrap drops modal-open and fires its hidden
    # event in the same callback), the search box still has the focus, not the region the
    # overlay opened over
    expect(dialog).to_be_hidden()
    expect(page.locator("body")).not_to_have_class("modal-open")
    expect(page.locator("#global-search")).to_be_focused()


def test_ctrl_slash_reaches_the_search_from_inside_a_field(page, sign_in):
    # given: the focus is in the first field of a form
    sign_in(page, roles.SUPERVISOR)
    page.goto(reverse("accounts:customer_create"))
    first = page.locator("main form").locator("input:visible, select:visible").first
    expect(first).to_be_focused()
    # when
    page.keyboard.press("/")  # typed into the field
    page.keyboard.press("Control+/")
    # then
    expect(page.locator("#global-search")).to_be_focused()


def test_the_open_drawer_count_starts_in_its_first_field(page, sign_in):
    # given
    sign_in(page, roles.CSR_I)
    # when
    page.goto(reverse("payments:counter"))
    expect(page.get_by_role("heading", name="Open a cash drawer")).to_be_visible()
    # then: the first field of the count has the focus, not the page's top
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.closest('form') !== null]"
    )
    assert focused == ["INPUT", True] or focused == ["SELECT", True]


def test_the_header_does_not_overlap_at_1366_by_768(browser, live_server, make_user):
    from tests.factories import PASSWORD

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        for role in (roles.CSR_III, roles.SUPERVISOR):
            user = make_user(role, first_name="Maria Guadalupe", last_name="Hernández-Villaseñor")
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_label("Password").press("Enter")
            page.wait_for_url("**/")
            name = page.get_by_test_id("user-role").bounding_box()
            others = [
                page.locator("#global-search").bounding_box(),
                page.get_by_role("button", name="Shortcuts").bounding_box(),
                page.get_by_role("link", name="Change password").bounding_box(),
                page.get_by_role("button", name="Sign out").bounding_box(),
                page.locator(".main-menu").bounding_box(),
            ]
            assert not any(_overlap(name, box) for box in others)
            assert page.locator(".portal-header").bounding_box()["height"] < 130
            page.get_by_role("button", name="Sign out").click()
    finally:
        context.close()
