"""Settings read from environment variables (see .env.example). Policy lives in the database, not here."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from eldercare.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ELDERCARE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("ELDERCARE_TESTING", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_q",
    "axes",
    "eldercare.core",
    "eldercare.regions",
    "eldercare.accounts",
    "eldercare.registry",
    "eldercare.assessment",
    "eldercare.catalogue",
    "eldercare.entitlements",
    "eldercare.applications",
    "eldercare.demo",
    "eldercare.governance",
    "eldercare.providers",
    "eldercare.orders",
    "eldercare.alarms",
    "eldercare.carevisits",
    "eldercare.funds",
    "eldercare.planning",
    "eldercare.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eldercare.urls"
ADMIN_URL = env_str("ADMIN_URL", "admin/")
WSGI_APPLICATION = "eldercare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "eldercare" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "eldercare.accounts.context_processors.allowed_actions",
                "eldercare.core.context_processors.map_tiles",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "eldercare.sqlite3"),
            # WAL lets the worker and the web server write without "database is locked".
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sections of the resident page contributed by the apps built on the registry (registry/panels.py).
RESIDENT_PANELS = [
    "eldercare.assessment.views.resident_panel",
    "eldercare.entitlements.views.panel.resident_panel",
    "eldercare.applications.views.resident_panel",
    "eldercare.orders.views.resident_panel",
    "eldercare.alarms.panel.resident_panel",
    "eldercare.carevisits.views.resident_panel",
]
# Visit verification (eldercare/orders/services/visits.py); a region's VisitPolicy overrides both.
ORDER_CHECK_IN_RADIUS_M = env_int("ORDER_CHECK_IN_RADIUS_M", 500)
ORDER_MINIMUM_VISIT_SHARE = env_str("ORDER_MINIMUM_VISIT_SHARE", "0.5")

# Emergency devices (eldercare/alarms/conf.py). Device secrets derive from the master key: set it
# in production (check-production), or rotating SECRET_KEY disables every installed device.
ALARMS_DEVICE_MASTER_KEY = env_str("ALARMS_DEVICE_MASTER_KEY", "")
ALARMS_SIGNATURE_WINDOW_SECONDS = env_int("ALARMS_SIGNATURE_WINDOW_SECONDS", 300)
ALARMS_OFFLINE_HOURS = env_int("ALARMS_OFFLINE_HOURS", 24)
ALARMS_MAX_BATCH_EVENTS = env_int("ALARMS_MAX_BATCH_EVENTS", 500)
ALARMS_NOTIFICATION_SENDER = env_str(
    "ALARMS_NOTIFICATION_SENDER", "eldercare.alarms.senders.LoggingSender"
)
ALARMS_WEBHOOK_URL = env_str("ALARMS_WEBHOOK_URL", "")

# Governance indicators the domain apps compute (governance/indicators/computed.py).
DOMAIN_INDICATORS = [
    "eldercare.providers.indicators.INDICATORS",
    "eldercare.orders.indicators.INDICATORS",
    "eldercare.alarms.indicators.INDICATORS",
    "eldercare.carevisits.indicators.INDICATORS",
    "eldercare.funds.indicators.INDICATORS",
    "eldercare.planning.indicators.INDICATORS",
]
# Figures of the leadership dashboard, one list per app (eldercare/dashboards/figures/base.py).
DASHBOARD_FIGURES = [
    "eldercare.dashboards.figures.population.FIGURES",
    "eldercare.dashboards.figures.capability.FIGURES",
    "eldercare.dashboards.figures.subsidies.FIGURES",
    "eldercare.dashboards.figures.indicators.FIGURES",
    "eldercare.dashboards.figures.tasks.FIGURES",
    "eldercare.alarms.figures.FIGURES",
    "eldercare.orders.figures.FIGURES",
    "eldercare.funds.figures.FIGURES",
]
# What the import page, API and worker can import (registry/importing/kinds.py).
IMPORT_KINDS = [
    "eldercare.registry.importing.kinds.RESIDENTS",
    "eldercare.assessment.importing.kind.ASSESSMENTS",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("LOGIN_THROTTLING", default=True)
AXES_VERBOSE = False
# Behind the reverse proxy every request comes from 127.0.0.1; nginx overwrites X-Real-IP with the
# client's address, so the lockout is per user and client, not per user alone.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_REAL_IP", "REMOTE_ADDR") if env_bool("BEHIND_TLS_PROXY") else ("REMOTE_ADDR",)
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "eldercare" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Browser libraries (Leaflet, ECharts) fetched by scripts/fetch-assets, served under vendor/.
STATICFILES_DIRS = [BASE_DIR / "eldercare" / "static", ("vendor", VAR_DIR / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Basemap tiles for the maps, e.g. a county's own tile server or 天地图 with its key; empty shows
# points and outlines on a plain background (eldercare/static/eldercare/map.js).
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
# The CJK font every PDF embeds (fetched by scripts/setup); see eldercare/core/pdf.py.
PDF_FONT_PATH = Path(
    env_str("ELDERCARE_PDF_FONT") or str(VAR_DIR / "fonts" / "NotoSansSC-Regular.otf")
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eldercare API",
    "DESCRIPTION": "居家和社区养老服务综合信息平台 API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several apps have a "status" or "kind": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ResidentStatusEnum": "eldercare.registry.choices.ResidentStatus",
        "ImportJobStatusEnum": ["queued", "running", "done", "refused", "failed"],
        "ImportKindEnum": ["residents", "assessments"],
        "ServiceListKindEnum": "eldercare.catalogue.models.ListKind",
        "ServiceListStatusEnum": "eldercare.catalogue.models.ListStatus",
    },
}

# Background work: django-q2 with the ORM broker (works on SQLite and PostgreSQL alike).
Q_CLUSTER = {
    "name": "eldercare",
    "orm": "default",
    "workers": env_int("WORKER_PROCESSES", 2),
    "timeout": env_int("WORKER_TASK_TIMEOUT_SECONDS", 3600),
    "retry": env_int("WORKER_TASK_TIMEOUT_SECONDS", 3600) + 60,
    "max_attempts": 1,
    "poll": 0.5,
    "catch_up": False,
    "sync": env_bool("WORKER_SYNC", default=False),
    "ack_failures": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_q": {"level": env_str("WORKER_LOG_LEVEL", "WARNING")},
        # weasyprint announces every rendering step at INFO: seven lines per PDF.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
