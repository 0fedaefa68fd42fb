"""The nightly backup is scheduled only where BACKUP_DIR says where to write it."""

from __future__ import annotations

import pytest

from app.jobs import schedule, tasks
from config import ConfigError, settings_from_env

ENV = {"SECRET_KEY": "s", "ID_HMAC_KEY": "k" * 32}


def test_no_backup_dir_no_nightly_backup(tmp_path):
    config = settings_from_env(ENV, tmp_path)
    assert "nightly_backup" not in {job.id for job in schedule.jobs(config)}


def test_backup_dir_schedules_one_nightly_backup_keeping_backup_keep(tmp_path):
    config = settings_from_env({**ENV, "BACKUP_DIR": str(tmp_path / "b"), "BACKUP_KEEP": "7"}, tmp_path)
    [job] = [job for job in schedule.jobs(config) if job.id == "nightly_backup"]
    assert job.func is tasks.nightly_backup
    assert (job.trigger, job.options) == ("cron", {"hour": 1, "minute": 30})
    assert config["BACKUP_KEEP"] == 7


@pytest.mark.parametrize("keep", ["0", "-1", "many"])
def test_backup_keep_must_be_a_whole_number(tmp_path, keep):
    with pytest.raises(ConfigError, match="BACKUP_KEEP"):
        settings_from_env({**ENV, "BACKUP_KEEP": keep}, tmp_path)
