"""The Linux desktop entry, AppStream metadata, build script and per-user installer."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ping_desktop import __version__
from tests.packaging.conftest import PACKAGING, ROOT

LINUX = PACKAGING / "linux"
DESKTOP_ID = "com.pingintel.PingDesktop"
DESKTOP_FILE = LINUX / f"{DESKTOP_ID}.desktop"
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "text/csv",
}


def _read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_desktop_entry_offers_open_with_for_spreadsheets() -> None:
    entry = _read_entry(DESKTOP_FILE)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Ping Desktop"
    assert entry["Icon"] == "ping-desktop"
    assert entry["Terminal"] == "false"
    # A file argument placeholder, or "Open with" would start the app without the file.
    assert re.fullmatch(r"ping-desktop %[fF]", entry["Exec"])
    mime = entry["MimeType"]
    assert mime.endswith(";")
    assert set(filter(None, mime.split(";"))) == SPREADSHEET_TYPES
    assert entry["Categories"].endswith(";")
    assert "Office" in entry["Categories"].split(";")


def test_desktop_entry_matches_the_app_id_qt_announces() -> None:
    # On Wayland the compositor finds the entry (and icon) by the app id Qt sends, which is
    # QGuiApplication.desktopFileName(); they must agree.
    app_py = (ROOT / "ping_desktop" / "app.py").read_text(encoding="utf-8")
    assert f'setDesktopFileName("{DESKTOP_ID}")' in app_py


def test_nothing_makes_the_app_the_default_handler() -> None:
    offenders = []
    for path in PACKAGING.rglob("*"):
        if not path.is_file() or path.suffix in {".png", ".ico", ".pyc"}:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if "xdg-mime default" in code or "mimeapps.list" in code:
                offenders.append(f"{path.name}: {line.strip()}")
    assert not offenders


def test_metainfo_names_the_entry_and_this_version() -> None:
    root = ET.parse(LINUX / f"{DESKTOP_ID}.metainfo.xml").getroot()  # noqa: S314  (our file)
    assert root.findtext("id") == DESKTOP_ID
    assert root.findtext("launchable") == f"{DESKTOP_ID}.desktop"
    releases = [r.get("version") for r in root.iter("release")]
    assert __version__ in releases, "add a <release> for the new version to the metainfo"


def test_build_script_is_valid_bash() -> None:
    for script in (LINUX / "build.sh", LINUX / "install-user.sh", PACKAGING / "macos" / "build.sh"):
        subprocess.run(["bash", "-n", str(script)], check=True)
        assert script.stat().st_mode & stat.S_IXUSR, f"{script.name} is not executable"


@pytest.fixture
def portable(tmp_path: Path) -> Path:
    """An unpacked portable archive laid out like build.sh makes it, with a fake app."""
    folder = tmp_path / "Ping Desktop app"  # a space, as users' folders have
    (folder / "ping-desktop").mkdir(parents=True)
    (folder / "icons").mkdir()
    for exe in ("ping-desktop", "ping-desktop-cli"):
        program = folder / "ping-desktop" / exe
        program.write_text("#!/bin/sh\necho ok\n")
        program.chmod(0o755)
    for icon in (ROOT / "resources" / "icons").glob("ping-desktop*.*"):
        shutil.copy(icon, folder / "icons")
    shutil.copy(DESKTOP_FILE, folder)
    shutil.copy(LINUX / "install-user.sh", folder)
    return folder


def test_install_user_adds_and_removes_the_menu_entry(portable: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    script = str(portable / "install-user.sh")
    subprocess.run(["sh", script], check=True, env=env, capture_output=True)

    installed = home / ".local/share/applications" / f"{DESKTOP_ID}.desktop"
    entry = _read_entry(installed)
    assert entry["Exec"] == f'"{portable}/ping-desktop/ping-desktop" %f'
    assert entry["TryExec"] == f"{portable}/ping-desktop/ping-desktop"
    assert entry["MimeType"] == _read_entry(DESKTOP_FILE)["MimeType"]
    icons = home / ".local/share/icons/hicolor"
    assert (icons / "256x256/apps/ping-desktop.png").is_file()
    assert (icons / "scalable/apps/ping-desktop.svg").is_file()
    cli = home / ".local/bin/ping-desktop-cli"
    assert cli.resolve() == (portable / "ping-desktop" / "ping-desktop-cli").resolve()
    assert not (home / ".config" / "mimeapps.list").exists()

    subprocess.run(["sh", script, "--uninstall"], check=True, env=env, capture_output=True)
    assert not installed.exists()
    assert not (icons / "256x256/apps/ping-desktop.png").exists()
    assert not cli.is_symlink()


def test_install_user_refuses_an_incomplete_folder(portable: Path, tmp_path: Path) -> None:
    shutil.rmtree(portable / "ping-desktop")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        ["sh", str(portable / "install-user.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "unpack the whole archive again" in result.stderr
