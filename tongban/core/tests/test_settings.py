"""Settings come from the environment with safe local defaults; production settings pass check --deploy."""
import os
import subprocess
import sys

import pytest

TONGBAN = [sys.executable, "-m", "tongban.cli"]


def run(args, **env):
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a deployment never has it.
    dropped = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run([*TONGBAN, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="k" * 20 + "-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="tongban.example.gov.cn",
        SECURE_HTTPS="true",
        TONGBAN_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_local_default_secret_key_fails_check_deploy(tmp_path):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], TONGBAN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_a_malformed_boolean_is_refused_with_its_name(tmp_path):
    result = run(["check"], DEBUG="maybe", TONGBAN_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5


def test_a_service_error_survives_a_percent_sign_typed_by_a_user():
    from tongban.core.error_codes import ErrorCode, service_error

    error = service_error(ErrorCode.UNIT_CYCLE, unit="减少 50%的单位")
    assert error.messages == ["不能把单位“减少 50%的单位”移动到它自己或它的下级单位之下。"]
    assert error.code == "unit_cycle"
