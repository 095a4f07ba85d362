"""Browser tests: Debian's Chromium driven by Playwright, every visited page checked by axe-core.

Chromium missing: the tests are skipped loudly, or fail when REQUIRE_BROWSER_TESTS is set (CI).
"""

import os
from pathlib import Path

import pytest

from district import roles

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        raise pytest.UsageError(f"Browser tests are required but {CHROMIUM} is missing.")
    print(f"\n!!! {CHROMIUM} is missing: BROWSER TESTS ARE SKIPPED !!!\n")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _password_sign_in_for_pages(settings):
    """The browser tests sign in with the password alone (their subject is the pages); the
    MFA sign-in has its own browser test (test_staff_mfa.py turns enforcement back on)."""
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """assert_accessible(page): no serious or critical WCAG 2.1 A/AA violation on the page."""

    def check(page):
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                "resultTypes": ["violations"],
            },
        )
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert serious == [], f"{page.url}:\n" + "\n".join(serious)

    return check


@pytest.fixture
def sign_in(make_user):
    """sign_in(page, role) -> user: signs in through the real form."""
    from tests.factories import PASSWORD

    def do(page, role):
        user = make_user(role)
        if role == roles.CUSTOMER:
            # the portal signs in only customers whose email address is verified
            from allauth.account.models import EmailAddress

            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        page.wait_for_url("**/")
        return user

    return do
