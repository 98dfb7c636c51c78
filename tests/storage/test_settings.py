"""Settings: defaults, round trip, corrupt files, migrations, clamping, no secrets, atomic save."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

import pytest

from ping_desktop.storage.settings import (
    SCHEMA_VERSION,
    Settings,
    SettingsError,
    SettingsStore,
    migrate,
)


def test_default_path_is_in_config_dir(app_home: Path) -> None:
    assert SettingsStore().path == app_home / "config" / "settings.json"


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    s = SettingsStore(tmp_path / "settings.json").load()
    assert s == Settings()
    assert s.environment == "prod"
    assert s.locations_per_job == 1000
    assert s.concurrent_jobs == 3
    assert s.low_confidence_threshold == 70
    assert s.schema_version == SCHEMA_VERSION


def test_round_trip(app_home: Path) -> None:
    store = SettingsStore()
    original = Settings(
        custom_api_url="https://api.example.test",
        locations_per_job=250,
        concurrent_jobs=5,
        low_confidence_threshold=55,
        last_sources=["PG", "PH"],
        last_open_dir="/home/u/in",
        last_save_dir="/home/u/out",
        demo_mode_seen=True,
        window_geometry="AdnQywADAAAAAAA=",
    )
    store.save(original)
    assert store.path.is_file()
    loaded = SettingsStore().load()
    assert loaded == original
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION


def test_corrupt_file_kept_and_defaults_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        s = SettingsStore(path).load()
    assert s == Settings()
    bad = list(tmp_path.glob("settings.json.bad-*"))
    assert len(bad) == 1
    assert bad[0].read_text(encoding="utf-8") == "{ not json"
    assert not path.exists()
    assert any("unreadable" in r.getMessage() for r in caplog.records)


def test_non_object_json_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert SettingsStore(path).load() == Settings()
    assert len(list(tmp_path.glob("settings.json.bad-*"))) == 1


def test_migration_from_v0(tmp_path: Path) -> None:
    v0 = {"api_url": "https://old.example.test", "batch_size": 500, "concurrency": 2,
          "last_sources": "PG, PH", "demo_mode_seen": True}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(v0), encoding="utf-8")
    s = SettingsStore(path).load()
    assert s.custom_api_url == "https://old.example.test"
    assert s.locations_per_job == 500
    assert s.concurrent_jobs == 2
    assert s.last_sources == ["PG", "PH"]
    assert s.demo_mode_seen is True
    assert s.schema_version == SCHEMA_VERSION
    assert migrate({"schema_version": 0})["schema_version"] == SCHEMA_VERSION


def test_unknown_keys_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 1, "future_thing": 3, "concurrent_jobs": 4}),
                    encoding="utf-8")
    s = SettingsStore(path).load()
    assert s.concurrent_jobs == 4
    assert not hasattr(s, "future_thing")


@pytest.mark.parametrize(
    ("given", "expected_jobs", "expected_conc"),
    [
        (0, 1, 1),
        (-5, 1, 1),
        (10**6, 10_000, 10),
        ("25", 25, 10),
        ("lots", 1000, 3),
        (True, 1000, 3),
    ],
)
def test_clamping(tmp_path: Path, given: object, expected_jobs: int, expected_conc: int) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"schema_version": 1, "locations_per_job": given, "concurrent_jobs": given}),
        encoding="utf-8",
    )
    s = SettingsStore(path).load()
    assert s.locations_per_job == expected_jobs
    assert s.concurrent_jobs == expected_conc


def test_save_clamps_too(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(locations_per_job=99_999, concurrent_jobs=0, low_confidence_threshold=300))
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert (data["locations_per_job"], data["concurrent_jobs"]) == (10_000, 1)
    assert data["low_confidence_threshold"] == 100


@dataclasses.dataclass
class _LeakySettings(Settings):
    api_token: str = "tok-should-never-be-saved"


@pytest.mark.parametrize("key", ["api_token", "Secret", "proxy_password"])
def test_refuses_token_like_keys(tmp_path: Path, key: str) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    leaky = _LeakySettings()
    if key != "api_token":
        # The same guard covers nested data, e.g. a dict smuggled into a list field.
        leaky = _LeakySettings(last_sources=[{key: "x"}])  # type: ignore[list-item]
    with pytest.raises(SettingsError, match="keyring"):
        store.save(leaky)
    assert not store.path.exists()


def test_no_secret_in_default_file(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings())
    text = store.path.read_text(encoding="utf-8").lower()
    assert "token" not in text
    assert "password" not in text
    assert "secret" not in text


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(concurrent_jobs=7))
    before = store.path.read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk went away"):
        store.save(Settings(concurrent_jobs=2))
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert os.path.exists(store.path)


def test_environment_validated_against_known_list(tmp_path: Path) -> None:
    # The documented environments of api.environments are the known list.
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(environment="staging"))
    assert store.load().environment == "staging"
    store.save(Settings(environment="nowhere"))
    assert store.load().environment == "prod"


def test_unsafe_custom_url_dropped(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"schema_version": 1, "custom_api_url": "http://evil.example.com"}),
        encoding="utf-8",
    )
    assert SettingsStore(path).load().custom_api_url is None
    path.write_text(
        json.dumps({"schema_version": 1, "custom_api_url": "http://127.0.0.1:8123"}),
        encoding="utf-8",
    )
    assert SettingsStore(path).load().custom_api_url == "http://127.0.0.1:8123"
