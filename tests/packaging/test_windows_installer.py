"""The Inno Setup script: per-user, no admin, "Open with" without taking over the default."""

from __future__ import annotations

import re

import pytest

from tests.packaging.conftest import PACKAGING

ISS = PACKAGING / "windows" / "ping-desktop.iss"


def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _sections()["Setup"])


def _entry(line: str) -> dict[str, str]:
    """Parse one `Name: "value"; Name: value` line of a [Registry]/[Icons]/... section."""
    fields = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
    parsed = {}
    for key, value in fields:
        text = value.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1].replace('""', '"')
        parsed[key] = text
    return parsed


def test_installs_per_user_without_admin_rights() -> None:
    setup = _setup()
    assert setup["PrivilegesRequired"] == "lowest"
    # No "install for all users" choice, which would need admin rights and HKLM.
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["DefaultDirName"].startswith("{localappdata}\\Programs\\")
    assert setup["ChangesAssociations"] == "yes"
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])


def test_no_machine_wide_registry_writes() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert not re.search(r"\bHK(LM|A|LM32|LM64|EY_LOCAL_MACHINE)\b", text)
    for line in _sections()["Registry"]:
        assert _entry(line)["Root"] == "HKCU", line


@pytest.mark.parametrize("ext", [".xlsx", ".xls", ".csv"])
def test_open_with_but_never_the_default(ext: str) -> None:
    entries = [_entry(line) for line in _sections()["Registry"]]
    progids = [e for e in entries if e["Subkey"] == f"Software\\Classes\\{ext}\\OpenWithProgids"]
    assert len(progids) == 1
    assert progids[0]["ValueType"] == "none"
    assert "uninsdeletevalue" in progids[0]["Flags"]
    supported = [
        e for e in entries if e["Subkey"].endswith("\\SupportedTypes") and e.get("ValueName") == ext
    ]
    assert len(supported) == 1
    # The (Default) value of Software\Classes\<ext> picks the default app: never written.
    assert not [e for e in entries if e["Subkey"] == f"Software\\Classes\\{ext}"]


def test_every_registry_key_is_removed_on_uninstall() -> None:
    entries = [_entry(line) for line in _sections()["Registry"]]
    owned_roots = [e["Subkey"] for e in entries if "uninsdeletekey" in e.get("Flags", "")]
    for e in entries:
        flags = e.get("Flags", "")
        removed = "uninsdelete" in flags or any(
            e["Subkey"] == root or e["Subkey"].startswith(root + "\\") for root in owned_roots
        )
        assert removed, f"left behind after uninstall: {e['Subkey']}"


def test_start_menu_entry_and_uninstaller() -> None:
    icons = [_entry(line) for line in _sections()["Icons"]]
    start_menu = [i for i in icons if i["Name"].startswith("{userprograms}")]
    assert start_menu
    assert start_menu[0]["Filename"] == "{app}\\{#AppExe}"
    setup = _setup()
    assert setup["UninstallDisplayIcon"] == "{app}\\{#AppExe}"
    assert (ISS.parent / setup["SetupIconFile"].replace("\\", "/")).resolve().is_file()


def test_signing_is_wired_but_optional() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert re.search(r"#ifdef Sign\s+(;.*\n\s*)*SignTool=pingsign\s+SignedUninstaller=yes", text)
    build = (PACKAGING / "windows" / "build.ps1").read_text(encoding="utf-8")
    assert "/Spingsign=" in build
    assert "SIGN_CERT_SHA1" in build


def test_open_commands_pass_the_file_to_the_app() -> None:
    entries = [_entry(line) for line in _sections()["Registry"]]
    commands = [e["ValueData"] for e in entries if e["Subkey"].endswith("\\shell\\open\\command")]
    assert len(commands) == 2  # Applications\ping-desktop.exe and our ProgID
    assert all(c == '"{app}\\{#AppExe}" "%1"' for c in commands)
