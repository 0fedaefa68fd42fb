"""Settings an IT officer gives as environment variables."""

from __future__ import annotations

import json

import pytest

from config import ConfigError, settings_from_env


def test_production_refuses_to_start_without_its_secrets_and_says_which(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY and ID_HMAC_KEY must be set in production"):
        settings_from_env({"KHIW_ENV": "production"}, tmp_path)
    assert not (tmp_path / "secrets.json").exists()


def test_development_generates_secrets_once_and_keeps_them(tmp_path):
    first = settings_from_env({}, tmp_path)
    second = settings_from_env({}, tmp_path)

    assert first["ID_HMAC_KEY"] == second["ID_HMAC_KEY"] and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
    assert set(json.loads((tmp_path / "secrets.json").read_text())) == {"SECRET_KEY", "ID_HMAC_KEY"}


def test_the_generated_secrets_folder_is_its_owners_only(tmp_path):
    settings_from_env({}, tmp_path / "instance")
    assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700


def test_rate_limits_are_shared_by_every_worker_unless_told_otherwise(tmp_path):
    settings = settings_from_env({"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}, tmp_path)
    assert settings["RATELIMIT_STORAGE_URI"] == "database://"
    redis = settings_from_env(
        {"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32, "RATELIMIT_STORAGE_URI": "redis://r:6379/0"}, tmp_path
    )
    assert redis["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"


def test_database_errors_never_show_their_parameters(tmp_path):
    assert settings_from_env({}, tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    settings = settings_from_env({"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}, tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'khiw.db'}"


@pytest.mark.parametrize("given", ["postgres://u:p@db/khiw", "postgresql://u:p@db/khiw"])
def test_a_plain_postgresql_url_uses_the_psycopg_driver(tmp_path, given):
    settings = settings_from_env({"DATABASE_URL": given, "SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}, tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/khiw"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RATELIMIT_ENABLED", "maybe", "true or false"),
        ("GEOFENCE_MAX_ACCURACY_M", "far", "GEOFENCE_MAX_ACCURACY_M"),
        ("TRUSTED_PROXIES", "yes", "TRUSTED_PROXIES"),
        ("KHIW_ENV", "staging", "KHIW_ENV"),
        ("ID_HMAC_KEY", "short", "ID_HMAC_KEY"),
        ("RATELIMIT_LOGIN_PERSON", "ten a minute", "RATELIMIT_LOGIN_PERSON"),
    ],
)
def test_a_wrong_setting_is_named(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        settings_from_env({"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32, name: value}, tmp_path)


def test_rate_limits_can_be_switched_off(tmp_path):
    settings = settings_from_env({"RATELIMIT_ENABLED": "false", "SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}, tmp_path)
    assert settings["RATELIMIT_ENABLED"] is False


def test_each_worker_keeps_enough_database_connections_for_its_threads(tmp_path):
    assert settings_from_env({}, tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] >= 8  # gunicorn's 8 threads
    assert settings_from_env({"DB_POOL_SIZE": "20"}, tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 20
    with pytest.raises(ConfigError, match="DB_POOL_SIZE"):
        settings_from_env({"DB_POOL_SIZE": "0"}, tmp_path)


def test_a_sqlite_file_needs_no_connection_check_and_a_server_does(tmp_path):
    assert settings_from_env({}, tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False
    server = settings_from_env({"DATABASE_URL": "postgresql://khiw@db/khiw"}, tmp_path)
    assert server["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
