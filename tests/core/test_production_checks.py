from collections.abc import Callable
from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from eldercare.core.production_checks import (
    DEVELOPMENT_SECRET_KEY,
    Finding,
    ProductionSettings,
    check_allowed_hosts,
    check_cookie_secure,
    check_database_engine,
    check_debug,
    check_device_master_key,
    check_hsts,
    check_https_detection,
    check_login_throttling,
    check_password_hasher,
    check_pdf_font,
    check_secret_key,
    check_static_root,
    check_worker_sync,
    run_checks,
)

GOOD_KEY = "q8Zr1-xW7mT_e4Ls0vB9nK2yH6uJ3aP5cD8fG1hR7tY4wE0iO9"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
POSTGRES = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
PROXY_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def collected(tmp_path: Path) -> Path:
    (tmp_path / "staticfiles.json").write_text('{"paths": {}}', "utf-8")
    return tmp_path


def a_font(directory: Path) -> Path:
    font = directory / "font.otf"
    font.write_bytes(b"OTTO" + bytes(60))
    return font


CASES: list[tuple[str, Callable[..., Finding], tuple[Any, ...], bool, str]] = [
    ("debug off", check_debug, (False,), True, ""),
    ("debug on", check_debug, (True,), False, "DEBUG=0"),
    ("strong key", check_secret_key, (GOOD_KEY,), True, ""),
    ("development key", check_secret_key, (DEVELOPMENT_SECRET_KEY,), False, "开发用默认值"),
    ("startproject key", check_secret_key, ("django-insecure-" + GOOD_KEY,), False, "不安全"),
    ("short key", check_secret_key, ("change-me",), False, "长度 9"),
    ("monotonous key", check_secret_key, ("ab" * 40,), False, "不同字符"),
    ("empty key", check_secret_key, ("",), False, "长度 0"),
    ("one host", check_allowed_hosts, (["eldercare.example.gov.cn"],), True, ""),
    ("no hosts", check_allowed_hosts, ([],), False, "为空"),
    ("wildcard host", check_allowed_hosts, (["eldercare.example.gov.cn", "*"],), False, "*"),
    ("postgresql", check_database_engine, (POSTGRES,), True, ""),
    ("postgis", check_database_engine, ("django.contrib.gis.db.backends.postgis",), True, ""),
    ("sqlite", check_database_engine, (SQLITE,), False, "生产环境必须使用 PostgreSQL"),
    ("mysql", check_database_engine, ("django.db.backends.mysql",), False, "mysql"),
    ("secure cookie", check_cookie_secure, ("SESSION_COOKIE_SECURE", True), True, ""),
    ("plain cookie", check_cookie_secure, ("CSRF_COOKIE_SECURE", False), False, "SECURE_COOKIES=1"),
    ("hsts one year", check_hsts, (31536000,), True, ""),
    ("hsts one day", check_hsts, (86400,), True, ""),
    ("hsts one hour", check_hsts, (3600,), False, "86400"),
    ("hsts off", check_hsts, (0,), False, "31536000"),
    ("behind proxy", check_https_detection, (PROXY_HEADER, False), True, ""),
    ("own tls", check_https_detection, (None, True), True, ""),
    ("https unknown", check_https_detection, (None, False), False, "BEHIND_TLS_PROXY=1"),
    ("wrong header", check_https_detection, (("HTTP_X_SCHEME", "https"), False), False, ""),
    ("argon2", check_password_hasher, ([ARGON2, PBKDF2],), True, ""),
    ("pbkdf2", check_password_hasher, ([PBKDF2],), True, ""),
    ("md5", check_password_hasher, ([MD5, ARGON2],), False, "MD5PasswordHasher"),
    ("no hashers", check_password_hasher, ([],), False, "为空"),
    ("throttling on", check_login_throttling, (True,), True, ""),
    ("throttling off", check_login_throttling, (False,), False, "LOGIN_THROTTLING=1"),
    ("real worker", check_worker_sync, (False,), True, ""),
    ("sync worker", check_worker_sync, (True,), False, "WORKER_SYNC=0"),
    ("no static root", check_static_root, (None,), False, "未设置"),
]


@pytest.mark.parametrize(
    ("check", "args", "ok", "expected"),
    [pytest.param(check, args, ok, expected, id=case) for case, check, args, ok, expected in CASES],
)
def test_check(
    check: Callable[..., Finding], args: tuple[Any, ...], ok: bool, expected: str
) -> None:
    finding = check(*args)
    assert finding.ok is ok
    assert expected in finding.message


def test_secret_key_is_never_echoed() -> None:
    for key in (GOOD_KEY, "x" * 60, "short-but-secret"):
        assert key not in check_secret_key(key).message


def test_static_root_needs_the_manifest(tmp_path: Path) -> None:
    missing = check_static_root(tmp_path / "nope")
    empty = check_static_root(tmp_path)
    assert not missing.ok
    assert not empty.ok
    assert "eldercare collectstatic" in empty.message
    assert check_static_root(collected(tmp_path)).ok
    assert check_static_root(str(tmp_path)).ok


def test_pdf_font_must_be_a_font_file(tmp_path: Path) -> None:
    missing = check_pdf_font(tmp_path / "nope.otf")
    assert not missing.ok
    assert "scripts/setup" in missing.message
    error_page = tmp_path / "error.otf"
    error_page.write_text("<html>404</html>", "utf-8")
    assert not check_pdf_font(error_page).ok
    truetype = tmp_path / "font.ttf"
    truetype.write_bytes(b"\x00\x01\x00\x00" + bytes(60))
    assert check_pdf_font(truetype).ok
    assert check_pdf_font(str(a_font(tmp_path))).ok


def good_values(static_root: Path) -> ProductionSettings:
    return ProductionSettings(
        debug=False,
        secret_key=GOOD_KEY,
        allowed_hosts=["eldercare.example.gov.cn"],
        database_engine=POSTGRES,
        session_cookie_secure=True,
        csrf_cookie_secure=True,
        hsts_seconds=31536000,
        secure_ssl_redirect=False,
        secure_proxy_ssl_header=PROXY_HEADER,
        password_hashers=[ARGON2, PBKDF2],
        axes_enabled=True,
        worker_sync=False,
        static_root=static_root,
        pdf_font_path=a_font(static_root),
        device_master_key="m" * 30 + "aster-key-of-the-alarm-devices-0123",
    )


def test_run_checks_all_good(tmp_path: Path) -> None:
    findings = run_checks(good_values(collected(tmp_path)))
    assert [f for f in findings if not f.ok] == []
    names = {f.name for f in findings}
    assert {
        "DEBUG",
        "SECRET_KEY",
        "DATABASES",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    } <= names


def test_run_checks_reports_each_bad_value(tmp_path: Path) -> None:
    values = replace(good_values(tmp_path), debug=True, worker_sync=True)
    failed = {f.name for f in run_checks(values) if not f.ok}
    assert failed == {"DEBUG", 'Q_CLUSTER["sync"]', "STATIC_ROOT"}


@pytest.mark.django_db
def test_command_refuses_the_test_settings() -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=r"^\d+ 项不安全的设置：") as raised:
        call_command("check_production", stdout=out)
    output = out.getvalue()
    # CI runs the suite a second time on PostgreSQL, where the engine check rightly passes.
    on_sqlite = settings.DATABASES["default"]["ENGINE"] == SQLITE
    assert ("✗ DATABASES：生产环境必须使用 PostgreSQL，当前为 SQLite" in output) is on_sqlite
    assert ("DATABASES" in str(raised.value)) is on_sqlite
    assert "✗ PASSWORD_HASHERS：首选为 MD5PasswordHasher" in output
    assert "PASSWORD_HASHERS" in str(raised.value)
    assert "✗ SECRET_KEY：仍是开发用默认值" in output
    assert "✓ DEBUG" in output
    assert "✓ 数据库连接" in output
    assert "✓ 数据库迁移" in output


@pytest.mark.django_db
# The connection stays on the test database; only the setting the check reads says SQLite, so
# this test means the same on the SQLite and the PostgreSQL pass of CI.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_command_with_everything_good_but_the_database(tmp_path: Path) -> None:
    sqlite = {**settings.DATABASES["default"], "ENGINE": SQLITE}
    out = StringIO()
    with (
        override_settings(
            DEBUG=False,
            SECRET_KEY=GOOD_KEY,
            ALLOWED_HOSTS=["eldercare.example.gov.cn"],
            DATABASES={"default": sqlite},
            SESSION_COOKIE_SECURE=True,
            CSRF_COOKIE_SECURE=True,
            SECURE_HSTS_SECONDS=31536000,
            SECURE_PROXY_SSL_HEADER=PROXY_HEADER,
            PASSWORD_HASHERS=[ARGON2, PBKDF2],
            AXES_ENABLED=True,
            Q_CLUSTER={**settings.Q_CLUSTER, "sync": False},
            STATIC_ROOT=collected(tmp_path),
            PDF_FONT_PATH=a_font(tmp_path),
            ALARMS_DEVICE_MASTER_KEY="d" * 20 + "evice-master-key-0123456789-abcdef",
        ),
        pytest.raises(CommandError) as raised,
    ):
        call_command("check_production", stdout=out)
    assert str(raised.value) == "1 项不安全的设置：DATABASES"
    output = out.getvalue()
    assert output.count("✗") == 1
    assert "当前为 SQLite" in output


@pytest.mark.django_db
def test_command_passes_when_everything_is_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eldercare.core.management.commands import check_production

    values = good_values(collected(tmp_path))
    monkeypatch.setattr(check_production, "current_settings", lambda: values)
    out = StringIO()
    call_command("check_production", stdout=out)
    assert "✗" not in out.getvalue()
    assert "全部检查通过" in out.getvalue()


@pytest.mark.django_db
def test_unapplied_migrations_are_reported() -> None:
    from eldercare.core.management.commands.check_production import database_findings

    # Inside the test's transaction, so the records come back afterwards. Every core migration,
    # so that core's leaf (whichever it is) is pending and the plan is not empty.
    recorder = MigrationRecorder(connection)
    for app, name in list(recorder.applied_migrations()):
        if app == "core":
            recorder.record_unapplied(app, name)
    findings = {f.name: f for f in database_findings()}
    assert findings["数据库连接"].ok
    assert not findings["数据库迁移"].ok
    assert "core.0001_initial" in findings["数据库迁移"].message
    assert "eldercare migrate" in findings["数据库迁移"].message


@pytest.mark.django_db
def test_unreachable_database_fails_both_database_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from eldercare.core.management.commands.check_production import database_findings

    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    findings = database_findings()
    assert [f.ok for f in findings] == [False, False]
    assert "connection refused" in findings[0].message


@pytest.mark.parametrize(
    ("master_key", "ok"),
    [("", False), ("short", False), (GOOD_KEY, False), ("k" * 25 + "0123456789" * 3, True)],
)
def test_device_master_key_must_be_set_long_and_its_own(master_key: str, ok: bool) -> None:
    assert check_device_master_key(master_key, GOOD_KEY).ok is ok
