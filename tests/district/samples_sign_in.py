"""URL builders for allauth's pages (sign-in, e-mail confirmation, password reset, MFA)."""

SAMPLE_KWARGS = {
    # Links that name no real key: the pages say the link is invalid or has expired.
    "key": lambda: "not-a-key",
    "uidb36": lambda: "zz",
    # A security key that is not the caller's (nobody's): allauth answers 404.
    "pk": lambda: 2_147_483_000,
}
POST_ONLY = {"account_logout"}
