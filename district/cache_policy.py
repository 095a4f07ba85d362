"""No page of the portal is kept in a browser's or a proxy's cache.

Almost every page, PDF and API answer carries a customer's personal data (Gov. Code 6254.16),
and counter PCs are shared: the next person at the desk must not find the last customer's
account, bill or receipt in the back button or the disk cache. So every response Django
produces says `Cache-Control: no-store` (with `Pragma: no-cache` for HTTP/1.0 caches),
overriding whatever a view set. Static files are served by WhiteNoise before this middleware
runs, so they keep their long-lived caching; the health check keeps its own headers.
"""

# URL names whose responses carry no personal data and set their own caching headers.
EXEMPT_URL_NAMES = frozenset({"healthz"})

NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """Sets `Cache-Control: no-store` and `Pragma: no-cache` on every response it sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return response
        response["Cache-Control"] = NO_STORE
        response["Pragma"] = "no-cache"
        # An Expires from a view would still let an old HTTP/1.0 cache keep the page.
        if "Expires" in response:
            del response["Expires"]
        return response
