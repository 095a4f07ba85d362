"""A staff member signs in with the password and the code from their authenticator app."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from playwright.sync_api import expect

from district import roles
from tests.factories import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _fresh_code(secret: str) -> str:
    """The code of the current 30-second step, taken early enough in the step that the browser
    submits it before the step ends (the server accepts the current step only)."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_enforced(settings):
    settings.STAFF_MFA_REQUIRED = True


def test_staff_sign_in_asks_for_the_code_on_an_accessible_page(
    page, make_user, assert_accessible, mfa_enforced
):
    # given
    user = make_user(roles.CSR_I)
    TOTP.activate(user, SECRET)
    # when: the password, then the code
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/auth/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_label("Code").fill(_fresh_code(SECRET))
    page.get_by_label("Code").press("Enter")
    # then
    page.wait_for_url("**/")
    expect(page.get_by_text(roles.CSR_I.label).first).to_be_visible()
