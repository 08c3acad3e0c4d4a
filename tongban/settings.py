"""Settings in layers: strict environment parsing with safe local defaults.

Every value a deployment may change is read from the environment here and nowhere else.
Regional policy (time limits, ratios, scores) lives in the database, not in this file.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("TONGBAN_VAR_DIR", PROJECT_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    # A local default is fine for a laptop; production must set SECRET_KEY (check --deploy says so).
    SECRET_KEY = "django-insecure-local-only-tongban-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = env("SITE_NAME", "通办 · 政务服务一体化平台")
# The centre's name on the login page and the public portal; empty: the root unit's name (XX县行政审批服务中心).
CENTRE_NAME = env("CENTRE_NAME", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# 电子印章 (licences/sealing.py): the seal certificate and key as PKCS#12, its passphrase, the name under the seal.
SEAL_CERT = env("TONGBAN_SEAL_CERT", "")
SEAL_PASSPHRASE = env("TONGBAN_SEAL_PASSPHRASE", "")
SEAL_NAME = env("TONGBAN_SEAL_NAME", "行政审批服务中心")

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
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "auditlog",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "huey.contrib.djhuey",
    "tongban.core",
    "tongban.history",
    "tongban.org",
    "tongban.workdays",
    "tongban.jobs",
    "tongban.notifications",
    "tongban.documents",
    "tongban.rectification",
    "tongban.catalog",
    "tongban.cases",
    "tongban.terminals",
    "tongban.supervision",
    "tongban.projects",
    "tongban.feedback",
    "tongban.assessment",
    "tongban.portal",
    "tongban.meetings",
    "tongban.licences",
    "tongban.archives",
    "tongban.staffing",
    "tongban.honours",  # after assessment, feedback and staffing: its demo reads their records
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
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "tongban.core.audit.ActorMiddleware",  # the actor of API (token) changes: see core/audit.py
    "axes.middleware.AxesMiddleware",
    "tongban.core.middleware.IdleTimeoutMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

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
                "tongban.core.context_processors.site",
                "tongban.org.context_processors.centre",
                "tongban.workdays.context_processors.calendar_banner",
                "tongban.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL (or any) through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tongban.sqlite3",
            "OPTIONS": {
                # WAL and a busy timeout so the web server and the job worker can share the file.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and lock-out after repeated failures (django-axes plus a per-address limit, see
# tongban/core/lockout.py and docs/decisions/0001-stack.md).
AUTHENTICATION_BACKENDS = [
    "tongban.core.lockout.LoginLimitBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)  # per user name *and* address
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Failed logins from one address across all names (password spraying); names that logged in from that
# address in the last LOGIN_REGULAR_DAYS days (the hall's own staff) are not held back by it.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_REGULAR_DAYS = envint("LOGIN_REGULAR_DAYS", 30)
# The public 办件进度查询 (cases/tracking.py): failed lookups from one address within AXES_COOLOFF_TIME.
TRACKING_FAILURE_LIMIT = envint("TRACKING_FAILURE_LIMIT", 10)
# The public 网上申请 (portal/apply.py) and 电子证照核验 (licences): posts from one address within an hour.
APPLY_LIMIT_PER_HOUR = envint("APPLY_LIMIT_PER_HOUR", 10)
SEAL_CHECK_LIMIT_PER_HOUR = envint("SEAL_CHECK_LIMIT_PER_HOUR", 30)
LICENCE_LOOKUPS_PER_HOUR = envint("LICENCE_LOOKUPS_PER_HOUR", 120)  # 收件时按证件号码查电子证照, per clerk
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tongban.core.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: Chinese UI, Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Our own catalogue first: Chinese for the admin pages of django-auditlog and django-axes (they ship none).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: built from the npm registry by `make setup`, served by WhiteNoise. No CDN.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files (evidence, imports) live outside the web root and are served only through views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "files")))
# Never routed: files are streamed by views that check scope. (Django needs a value distinct from STATIC_URL.)
MEDIA_URL = "/_media_not_served/"
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 20) * 1024 * 1024
# All the files of one public application (or its correction) together.
APPLY_UPLOAD_TOTAL_BYTES = envint("APPLY_UPLOAD_TOTAL_MB", 50) * 1024 * 1024
# Exports of more rows than this run on the worker with a progress bar (docs/documents.md); their files
# are kept this many days.
EXPORT_ASYNC_ROWS = envint("EXPORT_ASYNC_ROWS", 5000)
EXPORT_KEEP_DAYS = envint("EXPORT_KEEP_DAYS", 7)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# 电子签名: the largest signature image (PNG) a counter's pad may send (docs/archives.md).
SIGNATURE_MAX_BYTES = envint("SIGNATURE_MAX_KB", 200) * 1024
# Spreadsheet uploads are checked before any parser sees them (tongban.core.spreadsheets): what they
# unpack to and how far their sheets reach. A 2,000-item catalogue is about 15 MB unpacked.
SPREADSHEET_MAX_UNPACKED_MB = envint("SPREADSHEET_MAX_UNPACKED_MB", 50)
SPREADSHEET_MAX_ROWS = envint("SPREADSHEET_MAX_ROWS", 100_000)
SPREADSHEET_MAX_COLUMNS = envint("SPREADSHEET_MAX_COLUMNS", 200)
SPREADSHEET_MAX_CELLS = envint("SPREADSHEET_MAX_CELLS", 2_000_000)
# Uploads previewed and never confirmed are removed after this many hours (daily job).
PENDING_UPLOAD_HOURS = envint("PENDING_UPLOAD_HOURS", 24)

# --- Email: Django's backend; SMTP settings from the environment, console by default on a laptop.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "tongban@localhost")
# Seconds a 企业微信 / 钉钉 robot or the SMS gateway may take to answer (the worker sends; a request never waits).
CHANNEL_TIMEOUT = envint("CHANNEL_TIMEOUT", 5)

# --- Jobs: Huey on SQLite by default, Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", "")
HUEY = {
    "name": env("HUEY_NAME", "tongban"),
    "immediate": envbool("HUEY_IMMEDIATE", False),
    "utc": False,  # schedules read in TIME_ZONE (Asia/Shanghai); Django sets the process TZ
    # On Ctrl-C / SIGINT the worker finishes the task in hand but waits at most this long for it (seconds).
    "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread",
                 "shutdown_timeout": float(envint("HUEY_SHUTDOWN_TIMEOUT", 10))},
}
# Task modules the worker (`tongban worker`) loads besides every app's tasks.py.
HUEY_EXTRA_TASK_MODULES = envlist("HUEY_EXTRA_TASK_MODULES", "")
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# --- REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tongban.core.authentication.ExpiringTokenAuthentication",
        "tongban.core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tongban.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "通办 tongban API",
    "DESCRIPTION": "政务服务中心开放接口：组织机构、工作日历、定时任务、消息、巡察整改、事项目录、办件和公众门户。"
                   "所有接口与页面使用同一数据权限。[返回通办工作台](/workbench/)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names other components use too ("status", "kind"): named here, once.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "tongban.cases.choices.CaseStatus",
        "CaseTaskStatusEnum": "tongban.cases.choices.TaskStatus",
        "MaterialStateEnum": "tongban.cases.choices.MaterialState",
        "SpecialStepKindEnum": "tongban.catalog.choices.SpecialStepKind",
        "CaseDecisionEnum": "tongban.cases.choices.Decision",
        "SignalDecisionEnum": ["fine", "revisit", "accountability"],
        "RatingLevelEnum": "tongban.feedback.choices.Level",
        "LevelEnum": "tongban.catalog.choices.ItemLevel",  # kept its name when the ratings brought a second "level"
        "ApplicantKindEnum": "tongban.cases.choices.ApplicantKind",  # the same set as licences' HolderKind
        "ArchivePackageStatusEnum": "tongban.archives.choices.PackageStatus",
        "CaseChannelEnum": "tongban.cases.choices.Channel",  # 窗口收件 / 全程网办 / 掌上办 / 网点代收
        "RatingChannelEnum": "tongban.feedback.choices.RatingChannel",
        "ComplaintChannelEnum": "tongban.feedback.choices.ComplaintChannel",
    },
}

# --- Audit log (django-auditlog): who, when, old -> new for every domain model.
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- Production hardening: `tongban check --deploy` passes when DEBUG is off and HTTPS is on.
SECURE_HTTPS = envbool("SECURE_HTTPS", False)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Shared PCs in a hall: the session ends when the browser closes, after SESSION_IDLE_MINUTES without a
# request (core.middleware.IdleTimeoutMiddleware), and at the latest SESSION_MAX_HOURS after login.
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = envint("SESSION_MAX_HOURS", 12) * 3600

# --- API tokens: valid API_TOKEN_DAYS days, revoked by a password change; who may create their own on
# 我的接口令牌 (superusers always).
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 90)
API_TOKEN_ROLES = envlist(
    "API_TOKEN_ROLES", "center_leader,system_admin,rectification_office,unit_head,township_admin,inspector")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_without_traceback": {"()": "tongban.core.logging.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # every 403 used to print a full traceback; the one-line warning stays
        "django.request": {"filters": ["forbidden_without_traceback"]},
    },
}
