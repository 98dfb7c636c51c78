"""The support zip: logs, settings and about.txt, never a token."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest

from ping_desktop.storage.credentials import CredentialStore
from ping_desktop.storage.diagnostics import describe_diagnostics, export_diagnostics
from ping_desktop.storage.logging_setup import configure_logging
from ping_desktop.storage.paths import app_paths
from ping_desktop.storage.settings import Settings, SettingsStore

TOKEN = "diag-token-5f4e3d2c1b0a99887766"


def test_describe_lists_contents() -> None:
    text = " ".join(describe_diagnostics()).lower()
    assert "log" in text
    assert "settings" in text
    assert "about.txt" in text


@pytest.mark.usefixtures("clean_logging")
def test_zip_has_no_token_even_if_logged(tmp_path: Path) -> None:
    paths = app_paths().ensure()
    log_path = configure_logging(paths.log_dir)
    SettingsStore().save(Settings(concurrent_jobs=4, last_sources=["PG"]))
    CredentialStore().set_token("https://api.example.test", TOKEN)
    # A token that slipped past redaction into an old rotated file (written without the filter).
    (paths.log_dir / "ping-desktop.log.1").write_text(
        f"old line {TOKEN}\nAuthorization: Token another-old-token-1234\n", encoding="utf-8"
    )
    logging.getLogger("ping_desktop.t").warning("Sending %s", f"Authorization: Token {TOKEN}")

    dest = export_diagnostics(tmp_path / "support.zip", paths=paths,
                              extra={"Qt": "6.12.0", "Screen": "1920x1080"})
    assert dest == tmp_path / "support.zip"
    with zipfile.ZipFile(dest) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(
            ["about.txt", "settings.json", f"logs/{log_path.name}", "logs/ping-desktop.log.1"]
        )
        contents = {n: zf.read(n).decode("utf-8") for n in names}
    for name, text in contents.items():
        assert TOKEN not in text, name
        assert "another-old-token-1234" not in text, name
    assert "[REDACTED]" in contents["logs/ping-desktop.log.1"]
    assert json.loads(contents["settings.json"])["concurrent_jobs"] == 4
    about = contents["about.txt"]
    assert "Ping Desktop" in about
    assert "Python" in about
    assert "Qt: 6.12.0" in about
    assert "Keyring backend" in about
    assert "MemoryKeyring" in about
    assert [p.name for p in tmp_path.iterdir()] == ["support.zip"]  # no temp file left


def test_hand_edited_settings_secret_dropped(tmp_path: Path) -> None:
    paths = app_paths().ensure()
    (paths.config_dir / "settings.json").write_text(
        json.dumps({"schema_version": 1, "api_token": "hand-edited-secret-999"}), encoding="utf-8"
    )
    dest = export_diagnostics(tmp_path / "d.zip", paths=paths, secrets=["extra-secret-77777"])
    with zipfile.ZipFile(dest) as zf:
        for name in zf.namelist():
            assert b"hand-edited-secret-999" not in zf.read(name)


def test_works_with_nothing_there(tmp_path: Path) -> None:
    dest = export_diagnostics(tmp_path / "d.zip")
    with zipfile.ZipFile(dest) as zf:
        assert zf.namelist() == ["about.txt"]
