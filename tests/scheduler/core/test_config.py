"""Settings come from the environment; a default secret is refused outside development."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.core.config import SettingsError, get_settings


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    settings = get_settings({"REFORMER_INSTANCE": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'reformer.db'}"
    assert settings.nightly_time == "02:00"
    assert settings.nightly_timezone == "Europe/London"
    assert settings.auto_publish is False


def test_without_an_instance_folder_the_database_lives_under_the_current_directory():
    assert get_settings({}).instance_path == Path.cwd().resolve() / "instance"


@pytest.mark.parametrize("env", ["production", "test"])
def test_the_default_secret_key_is_refused_outside_development(env):
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        get_settings({"REFORMER_ENV": env})
    assert get_settings({"REFORMER_ENV": env, "SECRET_KEY": "a long secret"}).env == env


@pytest.mark.parametrize(
    "key, value",
    [
        ("REFORMER_ENV", "staging"),
        ("NIGHTLY_TIME", "2am"),
        ("NIGHTLY_TIMEZONE", "Mars/Olympus"),
        ("AUTO_PUBLISH", "perhaps"),
        ("SMTP_PORT", "twenty-five"),
        ("TRUSTED_PROXIES", "two"),
        ("TRUSTED_PROXIES", "-1"),
    ],
)
def test_an_unusable_setting_is_refused_naming_it(key, value):
    with pytest.raises(SettingsError, match=key):
        get_settings({key: value})


def test_settings_are_read_as_typed_values():
    settings = get_settings(
        {
            "DATABASE_URL": "postgresql+psycopg://studio@db/reformer",
            "SMTP_HOST": "mail.example.com",
            "SMTP_PORT": "587",
            "AUTO_PUBLISH": "yes",
            "NIGHTLY_TIME": "03:15",
            "BASE_URL": "https://studio.example.com/",
        }
    )
    assert settings.database_url == "postgresql+psycopg://studio@db/reformer"
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example.com", 587)
    assert settings.auto_publish is True
    assert settings.nightly_hour_minute == (3, 15)
    assert settings.base_url == "https://studio.example.com"
