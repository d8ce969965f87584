"""Settings for the Psychoplastogen Therapy Guidance API, read from the environment.

With no environment at all the service runs on an embedded SQLite file; ``DATABASE_URL`` switches
it to PostgreSQL. Every variable is listed in the README.
"""

from datetime import timedelta
from importlib import metadata
from pathlib import Path

from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_json_file,
    env_list,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def _package_version() -> str:
    try:
        return metadata.version("psychoplastogen-guidance")
    except metadata.PackageNotFoundError:
        return "dev"


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off; set SECRET_KEY to a long random string "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Transport security: on by default outside development. A deployment serving plain HTTP on a
# private network (the local docker compose stack) turns the TLS-only ones off explicitly.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The admin (the editing surface) lives here; move it off the well-known path if you like.
ADMIN_URL = env_str("ADMIN_URL", "admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/") or ADMIN_URL.startswith("api/"):
    raise ImproperlyConfigured(
        f"ADMIN_URL={ADMIN_URL!r} must be a relative path ending in '/', outside api/, "
        "e.g. 'editors/'."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "infra",
    "api",
    "content",
    "evidence",
    "compounds",
    "modalities",
    "disorders",
    "medications",
    "guidance",
    "interop",
]

# Order matters for speed: an API answer already in the cache returns from ApiCacheMiddleware,
# before sessions, CSRF, auth, messages and DRF. What a cached answer still needs runs before it:
# the HTTPS redirect and security headers, CORS (it depends on the request's Origin), bounds and
# throttling. The headers that depend on nothing but the settings (Content-Security-Policy,
# Permissions-Policy) are added inside it, so they are stored with the answer and replayed with
# it instead of being built again for every request.
MIDDLEWARE = [
    # Outermost: the policy headers on the answers made above the cache (see there).
    "infra.middleware.PolicyHeadersMiddleware",
    "infra.middleware.HeadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "infra.middleware.CorsMiddleware",
    # Outside every layer that can answer an error under /api/: each one is a problem.
    "infra.middleware.ProblemDetailsMiddleware",
    "infra.middleware.RequestBoundsMiddleware",
    "infra.throttling.ThrottleMiddleware",
    "infra.caching.ApiCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "infra.middleware.DatabaseErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep connections between requests, and check one is alive before reusing it, so a
        # restarted database is reconnected to on the next request without restarting workers.
        conn_max_age=env_int("DB_CONN_MAX_AGE", default=60),
        connect_timeout=env_int("DB_CONNECT_TIMEOUT", default=5, minimum=1),
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The editors' door. django-axes counts failed logins per account and per client address; at
# LOGIN_FAILURE_LIMIT failures either is locked out for LOGIN_LOCKOUT_MINUTES (the right password
# included), before any password is hashed, so guessing costs the server almost nothing. Locks are
# listed and cleared in admin (Axes > Access attempts) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# LOGIN_LOCKOUT=0 switches the lockout off (for a deployment whose login is guarded elsewhere).
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client's address, read as the API's throttle reads it (NUM_PROXIES trusted proxies).
AXES_CLIENT_IP_CALLABLE = "infra.throttling.client_address"

# Content-Security-Policy on every response (django-csp): scripts and everything else only from
# this service, inline scripts only with the per-response nonce the docs pages use. Styles may be
# inline: Swagger UI and ReDoc set them at run time. Permissions-Policy switches off the browser
# features no page here uses.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "fullscreen",
    )
}

# Review of content: an editor may not approve their own revision unless this is on (a team of one).
CONTENT_REVIEW_ALLOW_SELF_APPROVAL = env_bool("CONTENT_REVIEW_ALLOW_SELF_APPROVAL", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Outside development, static files (admin, Swagger UI and ReDoc assets) get hashed, compressed
# names from `collectstatic` and are served by whitenoise; development and tests, which do not run
# collectstatic, use the plain names.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Bounds on what one API request may ask (see infra.middleware).
API_MAX_QUERY_STRING = env_int("API_MAX_QUERY_STRING", default=2048, minimum=256)
API_MAX_QUERY_PARAMETERS = env_int("API_MAX_QUERY_PARAMETERS", default=20, minimum=5)
# Admin change pages post every inline row's fields: a compound with its codes and mechanism
# links posts about 300. Django's default (1000) leaves room for growth; the API takes no forms.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

REST_FRAMEWORK = {
    # A public, read-only API: no sessions or CSRF on it; Django admin is the editing surface.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.OrjsonRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Accept: application/problem+json reads as a JSON client, never a 406 (see api.negotiation).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ProblemAwareNegotiation",
}

# Requests per client address under /api/, e.g. "600/minute"; "off" disables throttling. Clients
# are told apart by their address; behind N proxies, set NUM_PROXIES=N.
THROTTLE = env_rate("THROTTLE_RATE", default="600/minute")
NUM_PROXIES = env_int("NUM_PROXIES", default=0)
# Login attempts (posts to the admin login) per client address, answered 429 before any work.
LOGIN_THROTTLE = env_rate("LOGIN_THROTTLE_RATE", default="30/minute")

# The cache: per process with no service (the embedded default), or Redis shared by every process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL={REDIS_URL!r} is not a Redis URL; expected redis://host:6379/0."
    )
# Seconds to wait for Redis to connect or answer before treating it as away: the cache is an
# accelerator, so a slow Redis must cost little (REDIS_TIMEOUT_MS, default 50 ms; a healthy Redis
# answers in well under a millisecond). redis-py retries nothing (infra.redis_cache).
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT_MS", default=50, minimum=1) / 1000
# Seconds every process skips Redis after a failure before one trial call (infra.redis_cache).
REDIS_BREAKER_RESET_SECONDS = env_int("REDIS_BREAKER_RESET_SECONDS", default=5, minimum=1)
CACHES = {
    "default": (
        {
            # django-redis (pooled connections, one reused client per pool) behind a circuit
            # breaker: an outage or a hang costs one timeout, then answers as misses.
            "BACKEND": "infra.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "guidance"}
    )
    | {"KEY_PREFIX": "guidance", "TIMEOUT": 3600}
}
# With a shared cache the content version is read from it while it can be trusted (see
# content.versioning); otherwise from the database, the only thing every process is sure to share.
CONTENT_VERSION_IN_CACHE = bool(REDIS_URL)
# Each process keeps the version it read for this many seconds before reading it again: the
# longest another process's edit can go unseen here (a process sees its own edits at once).
CONTENT_VERSION_MAX_STALENESS = env_float(
    "CONTENT_VERSION_MAX_STALENESS", default=0.5, minimum=0.0, maximum=1.0
)
# The deployed code's version (a git SHA, say): part of every cache key and ETag, so answers
# rendered by one release are never replayed by another.
RELEASE = env_str("RELEASE") or _package_version()
# Build resource lists and details from the content rows held per content version (api.readmodel);
# API_READ_MODEL=0 builds them from the database with DRF's serializers instead.
API_READ_MODEL = env_bool("API_READ_MODEL", default=True)
# Cache API answers by content version (see infra.caching); API_CACHE=0 turns it off.
API_CACHE = env_bool("API_CACHE", default=True)
API_CACHE_TIMEOUT = env_int("API_CACHE_TIMEOUT", default=3600, minimum=1)
# Variants (query strings, media types) of one path a process stores per content version; more
# are answered but not stored, so a flood of unique search terms cannot evict everything else.
API_CACHE_VARIANTS_PER_PATH = env_int("API_CACHE_VARIANTS_PER_PATH", default=128, minimum=1)
# Bytes of answers each process keeps in memory in front of the shared cache.
API_CACHE_LOCAL_BYTES = env_int("API_CACHE_LOCAL_BYTES", default=32 * 1024 * 1024, minimum=0)
# max-age clients may reuse an answer without asking; 0 means revalidate every time by ETag.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", default=0)
# Seconds a CDN or browser may keep serving its last answer while the service is down or failing
# (Cache-Control stale-if-error, RFC 5861); 0 leaves it out. See infra.caching.cache_control.
API_CACHE_STALE_IF_ERROR = env_int("API_CACHE_STALE_IF_ERROR", default=86400)

SPECTACULAR_SETTINGS = {
    "TITLE": "Psychoplastogen Therapy Guidance API",
    "DESCRIPTION": (
        "Citation-backed guidance on pairing psychotherapy with psychoplastogen treatment "
        "(psilocybin, ketamine, MDMA, LSD), from Jones JL (2025), Front. Psychiatry 16:1565852, "
        "doi:10.3389/fpsyt.2025.1565852, and its references. Read only. Every error is "
        "RFC 9457 `application/problem+json`: `type` (a URI, served under /api/problems/), "
        "`title`, `status`, `detail` and `instance`, and for query parameters `errors`, each with "
        "the `parameter`, a `message` and the `valid` values when known. **Not medical advice.**"
        "\n\nThe same guidance in the clinic's standards, outside this document: FHIR R4 "
        "(clinical practice guidelines) at /fhir/ (its CapabilityStatement: /fhir/metadata) and "
        "CDS Hooks 2.0 services at /cds-services; every code a disorder or compound carries "
        "(`codes`) is what they match patients' records by."
        "\n\nThe content restates the article and its references under the article's licence, "
        "CC BY 4.0, with credit to them; the service's code is under the MIT licence."
    ),
    "VERSION": "1.0.0",
    # OpenAPI 3.1: schemas are JSON Schema, so a nullable value (a reference included) is valid
    # JSON Schema for validators and code generators alike; 3.0's `nullable` beside an `allOf`
    # is not.
    "OAS_VERSION": "3.1.0",
    # Relative: the API is wherever this document is served from (the paths start at /api/v1/).
    "SERVERS": [{"url": "/", "description": "This service: the host serving this document."}],
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    # The project has no e-mail address or public repository URL yet: add "url" here once it has.
    "CONTACT": {"name": "Psychoplastogen Therapy Guidance API maintainers"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "compounds", "description": "Psychoplastogens and their mechanisms."},
        {"name": "mechanisms", "description": "Plasticity mechanisms at four levels."},
        {"name": "disorders", "description": "Disorders, their risks and their guidance."},
        {"name": "modalities", "description": "Psychotherapy approaches and their phases."},
        {"name": "guidance", "description": "Cited pairings of therapy and treatment."},
        {"name": "profile-factors", "description": "Clinical-profile factors."},
        {"name": "safety-statements", "description": "Cited safety statements."},
        {
            "name": "medications",
            "description": "Medication classes a patient may already take, with ATC codes.",
        },
        {
            "name": "interactions",
            "description": "Cited interactions of compounds with medication classes (sources "
            "outside the article); none recorded is never 'safe'.",
        },
        {"name": "references", "description": "The sources behind every statement."},
        {"name": "recommendations", "description": "Phased psychotherapy plans."},
        {
            "name": "vocabularies",
            "description": "What each fixed value (phase, strength, certainty...) means, and its "
            "order.",
        },
        {
            "name": "export",
            "description": "Everything the API serves in one document, to start a local copy.",
        },
        {
            "name": "changes",
            "description": "What changed since a content version, to keep a local copy in sync.",
        },
        {"name": "meta", "description": "Entry point, content version and provenance."},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_vocabularies.describe_vocabulary_enums",
        "api.schema.document_errors_and_examples",
        "api.schema.document_slug_parameters",
        "api.schema.document_public_access",
        # Last: the hooks above write some schemas by hand.
        "api.schema.document_nullable_as_json_schema",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TreatmentPhaseEnum": "modalities.models.TreatmentPhase",
        "EvidenceTypeEnum": "evidence.models.EvidenceType",
        "SeverityEnum": "guidance.models.Severity",
        "SpecificityEnum": "guidance.recommendations.Specificity",
        "ProvenanceEnum": "content.models.Provenance",
        "CertaintyEnum": "guidance.grading.Certainty",
        "KindEnum": "guidance.grading.Kind",
        "SafetyKindEnum": "guidance.models.SafetyKind",
        "WarningKindEnum": "guidance.recommendations.WARNING_KINDS",
        "EvidenceLevelEnum": "api.serializers.plans.EVIDENCE_LEVELS",
        "StrengthEnum": "guidance.models.GuidanceStrength",
        "VerdictEnum": "guidance.recommendations.Verdict",
        "DirectionEnum": "guidance.grading.Direction",
        "CompoundClassEnum": "compounds.models.CompoundClass",
    },
}

# Browser apps on these origins may call the API, FHIR and the CDS services (CDS Hooks has an
# EHR's browser call services directly): GET, HEAD and OPTIONS, and POST, which only $apply and
# the CDS services take (the API answers it with a 405).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api/|fhir/|cds-services).*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
# A script revalidating by itself sends If-None-Match or If-Modified-Since, which are not
# CORS-safelisted: the preflight must allow them (a browser's own HTTP cache needs no preflight).
CORS_ALLOW_HEADERS = [*cors_default_headers, "if-none-match", "if-modified-since"]
# Response headers a script may read besides the safelisted ones (Last-Modified is safelisted,
# named anyway so the list says what the API offers): validators, and when to come back.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "RateLimit", "RateLimit-Policy"]

# Where the content loader reads the article's structured content from, and in which order:
# each file may cite rows loaded by the files before it.
CONTENT_FIXTURES_DIR = Path(env_str("CONTENT_FIXTURES_DIR") or BASE_DIR / "fixtures")
# How a cited statement's provenance and locator are checked, by the loader and admin alike: the
# evidence app owns the article and knows its sentences.
CONTENT_STATEMENT_CHECK = "evidence.provenance.statement_problems"
CONTENT_FILES = [
    "evidence.content.REFERENCES",
    "compounds.content.COMPOUNDS",
    "compounds.content.MECHANISMS",
    "modalities.content.MODALITIES",
    "disorders.content.PROFILE_FACTORS",
    "disorders.content.DISORDERS",
    "guidance.content.GUIDANCE",
    "guidance.content.SAFETY_STATEMENTS",
    "medications.content.MEDICATIONS",
    "medications.content.INTERACTIONS",
]

# FHIR and CDS Hooks (interop/). Canonical URLs and links are built on this host's address unless
# these name the public one (behind a proxy that rewrites paths, say).
FHIR_BASE_URL = env_str("FHIR_BASE_URL").rstrip("/")
CDS_HOOKS_BASE_URL = env_str("CDS_HOOKS_BASE_URL").rstrip("/")
# The EHRs allowed to call the CDS services: a JSON file {issuer: {"keys": [public JWK, ...]}}.
# Keys come only from here: a token's jku is never fetched.
CDS_HOOKS_ISSUERS = env_json_file("CDS_HOOKS_ISSUERS_FILE") or {}
if not isinstance(CDS_HOOKS_ISSUERS, dict) or not all(
    isinstance(jwks, dict) and isinstance(jwks.get("keys"), list)
    for jwks in CDS_HOOKS_ISSUERS.values()
):
    raise ImproperlyConfigured(
        'CDS_HOOKS_ISSUERS_FILE must hold {issuer: {"keys": [JWK, ...]}, ...}.'
    )
# The longest token lifetime (exp - iat, seconds) accepted: a policy, as CDS Hooks sets none.
CDS_HOOKS_MAX_TOKEN_LIFETIME = env_int("CDS_HOOKS_MAX_TOKEN_LIFETIME", default=300, minimum=1)
# Calls without a token, for trying the services on a laptop: only with DEBUG on.
CDS_HOOKS_ALLOW_UNAUTHENTICATED = env_bool("CDS_HOOKS_ALLOW_UNAUTHENTICATED", default=False)
if CDS_HOOKS_ALLOW_UNAUTHENTICATED and not DEBUG:
    raise ImproperlyConfigured(
        "CDS_HOOKS_ALLOW_UNAUTHENTICATED=1 is for local testing only; it needs DEBUG=1."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "infra.logging.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # A request naming a host we do not serve is the client's error (or a scanner's), answered
        # with a 400: one line saying which host, not a traceback that says nothing about us.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}
