"""Rules that production settings must satisfy, as pure functions of plain values.

The `check-production` command collects the values from the running settings and prints the
findings; keeping the rules free of Django lets each one be tested without reloading settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEVELOPMENT_SECRET_KEY",
    "MIN_HSTS_SECONDS",
    "Finding",
    "ProductionSettings",
    "check_allowed_hosts",
    "check_cookie_secure",
    "check_database_engine",
    "check_debug",
    "check_device_master_key",
    "check_hsts",
    "check_https_detection",
    "check_login_throttling",
    "check_password_hasher",
    "check_pdf_font",
    "check_secret_key",
    "check_static_root",
    "check_worker_sync",
    "run_checks",
]

# Must match the fallback in eldercare/settings.py.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5
# One day is the least that protects a user who comes back the next morning; a year is the
# usual value once HTTPS is known to work.
MIN_HSTS_SECONDS = 86400
RECOMMENDED_HSTS_SECONDS = 31536000
PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_SLOW_HASHERS = {
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    message: str


@dataclass(frozen=True)
class ProductionSettings:
    """The values the rules look at, copied out of django.conf.settings."""

    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database_engine: str
    session_cookie_secure: bool
    csrf_cookie_secure: bool
    hsts_seconds: int
    secure_ssl_redirect: bool
    secure_proxy_ssl_header: tuple[str, str] | None
    password_hashers: list[str]
    axes_enabled: bool
    worker_sync: bool
    static_root: Path | str | None
    pdf_font_path: Path | str
    device_master_key: str = ""


def check_debug(debug: bool) -> Finding:
    if debug:
        return Finding("DEBUG", False, "已开启，出错页面会泄露代码和设置，设置 DEBUG=0")
    return Finding("DEBUG", True, "已关闭")


def check_secret_key(secret_key: str) -> Finding:
    # Never echo the key itself: this output ends up in terminals and tickets.
    problems = []
    if secret_key == DEVELOPMENT_SECRET_KEY:
        problems.append("仍是开发用默认值")
    elif secret_key.startswith("django-insecure-"):
        problems.append("是 startproject 生成的不安全密钥")
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"长度 {len(secret_key)}，至少需要 {MIN_SECRET_KEY_LENGTH}")
    if len(set(secret_key)) < MIN_SECRET_KEY_DISTINCT:
        problems.append(f"不同字符少于 {MIN_SECRET_KEY_DISTINCT} 个")
    if problems:
        return Finding(
            "SECRET_KEY",
            False,
            "；".join(problems)
            + "。生成新密钥：python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
        )
    return Finding("SECRET_KEY", True, f"已设置（{len(secret_key)} 个字符）")


def check_allowed_hosts(allowed_hosts: list[str]) -> Finding:
    if not allowed_hosts:
        return Finding("ALLOWED_HOSTS", False, "为空，设置为对外的域名")
    if "*" in allowed_hosts:
        return Finding(
            "ALLOWED_HOSTS",
            False,
            "含 “*”：任何 Host 头都被接受（可伪造密码重置链接等），只列出实际域名",
        )
    return Finding("ALLOWED_HOSTS", True, ", ".join(allowed_hosts))


def check_database_engine(engine: str) -> Finding:
    if engine.rsplit(".", 1)[-1] in {"postgresql", "postgis"}:
        return Finding("DATABASES", True, f"PostgreSQL（{engine}）")
    kind = "SQLite" if "sqlite" in engine else engine
    return Finding(
        "DATABASES",
        False,
        f"生产环境必须使用 PostgreSQL，当前为 {kind}（{engine}），请设置 DATABASE_URL=postgres://…",
    )


def check_cookie_secure(name: str, secure: bool) -> Finding:
    if secure:
        return Finding(name, True, "已开启，Cookie 只经 HTTPS 发送")
    return Finding(name, False, "未开启，登录 Cookie 可能经明文 HTTP 泄露，设置 SECURE_COOKIES=1")


def check_hsts(hsts_seconds: int) -> Finding:
    if hsts_seconds >= MIN_HSTS_SECONDS:
        return Finding("SECURE_HSTS_SECONDS", True, f"{hsts_seconds} 秒")
    return Finding(
        "SECURE_HSTS_SECONDS",
        False,
        f"{hsts_seconds} 秒，至少需要 {MIN_HSTS_SECONDS}（一天）。"
        "HSTS 让浏览器此后只用 HTTPS 访问，防止首个明文请求被劫持；"
        f"确认 HTTPS 正常后建议设为 {RECOMMENDED_HSTS_SECONDS}（一年）",
    )


def check_https_detection(
    secure_proxy_ssl_header: tuple[str, str] | None, secure_ssl_redirect: bool
) -> Finding:
    # Behind nginx, Django only knows a request was HTTPS through X-Forwarded-Proto; without it
    # the HSTS header is never sent. A redirect-to-HTTPS setting without the header would loop
    # behind a proxy, so its presence means Django itself terminates TLS.
    name = "SECURE_PROXY_SSL_HEADER"
    if secure_proxy_ssl_header is not None and tuple(secure_proxy_ssl_header) == PROXY_SSL_HEADER:
        return Finding(
            name, True, "经反向代理的 X-Forwarded-Proto 识别 HTTPS（BEHIND_TLS_PROXY=1）"
        )
    if secure_ssl_redirect:
        return Finding(name, True, "未经代理，SECURE_SSL_REDIRECT 已开启")
    return Finding(
        name,
        False,
        "Django 无法识别 HTTPS 请求（HSTS 头不会发送）：在 nginx 后面设置 BEHIND_TLS_PROXY=1，"
        "并让 nginx 发送 X-Forwarded-Proto",
    )


def check_password_hasher(password_hashers: list[str]) -> Finding:
    if not password_hashers:
        return Finding("PASSWORD_HASHERS", False, "为空")
    first = password_hashers[0]
    short = first.rsplit(".", 1)[-1]
    if first in _SLOW_HASHERS:
        return Finding("PASSWORD_HASHERS", True, f"密码以 {short} 保存")
    return Finding(
        "PASSWORD_HASHERS",
        False,
        f"首选为 {short}：泄露后可被快速破解，生产环境必须使用 Argon2 或 PBKDF2"
        "（测试设置 eldercare.settings_test 不可用于生产）",
    )


def check_login_throttling(axes_enabled: bool) -> Finding:
    if axes_enabled:
        return Finding("AXES_ENABLED", True, "已开启，连续登录失败后锁定")
    return Finding(
        "AXES_ENABLED", False, "已关闭，登录失败不锁定：密码可被反复猜测，设置 LOGIN_THROTTLING=1"
    )


def check_worker_sync(sync: bool) -> Finding:
    if sync:
        return Finding(
            'Q_CLUSTER["sync"]',
            False,
            "已开启，导入等长任务会在网页请求中执行并超时，"
            "设置 WORKER_SYNC=0 并运行 eldercare qcluster",
        )
    return Finding('Q_CLUSTER["sync"]', True, "已关闭，后台任务由 eldercare qcluster 执行")


def check_static_root(static_root: Path | str | None) -> Finding:
    if not static_root:
        return Finding("STATIC_ROOT", False, "未设置")
    manifest = Path(static_root) / "staticfiles.json"
    if not manifest.is_file():
        return Finding(
            "STATIC_ROOT",
            False,
            f"{static_root} 中没有 staticfiles.json（静态文件未收集），请运行 eldercare collectstatic",
        )
    return Finding("STATIC_ROOT", True, f"静态文件已收集（{static_root}）")


# The first bytes of a TrueType, OpenType (CFF) or collection file: anything else (an HTML error
# page saved under the font's name) would leave PDFs without Chinese glyphs.
_FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def check_device_master_key(master_key: str, secret_key: str) -> Finding:
    """Emergency devices' secrets derive from this key (alarms/conf.py): it must stand alone."""
    name = "ALARMS_DEVICE_MASTER_KEY"
    if not master_key:
        return Finding(
            name, False, "未设置：设备密钥将由 SECRET_KEY 派生，更换 SECRET_KEY 会使所有设备失效"
        )
    if len(master_key) < MIN_SECRET_KEY_LENGTH or master_key == secret_key:
        return Finding(
            name, False, f"至少 {MIN_SECRET_KEY_LENGTH} 个字符，且不能与 SECRET_KEY 相同"
        )
    return Finding(name, True, "已单独设置")


def check_pdf_font(pdf_font_path: Path | str) -> Finding:
    path = Path(pdf_font_path)
    if not path.is_file():
        return Finding(
            "PDF_FONT_PATH",
            False,
            f"{path} 不存在：PDF 中的汉字会印成空白方框。运行 scripts/setup 获取字体，"
            "或用 ELDERCARE_PDF_FONT 指定中文 TrueType/OpenType 字体文件",
        )
    with path.open("rb") as font:
        signature = font.read(4)
    if signature not in _FONT_SIGNATURES:
        return Finding(
            "PDF_FONT_PATH",
            False,
            f"{path} 不是 TrueType/OpenType 字体文件，重新运行 scripts/setup",
        )
    return Finding("PDF_FONT_PATH", True, f"PDF 中文字体：{path}")


def run_checks(values: ProductionSettings) -> list[Finding]:
    return [
        check_debug(values.debug),
        check_secret_key(values.secret_key),
        check_allowed_hosts(values.allowed_hosts),
        check_database_engine(values.database_engine),
        check_cookie_secure("SESSION_COOKIE_SECURE", values.session_cookie_secure),
        check_cookie_secure("CSRF_COOKIE_SECURE", values.csrf_cookie_secure),
        check_https_detection(values.secure_proxy_ssl_header, values.secure_ssl_redirect),
        check_hsts(values.hsts_seconds),
        check_password_hasher(values.password_hashers),
        check_login_throttling(values.axes_enabled),
        check_worker_sync(values.worker_sync),
        check_static_root(values.static_root),
        check_pdf_font(values.pdf_font_path),
        check_device_master_key(values.device_master_key, values.secret_key),
    ]
