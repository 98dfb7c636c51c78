"""One promise per fact: minimum systems, the app version and CI secrets agree everywhere.

The README promises minimum OS versions; the macOS Info.plist, the Inno Setup script and the
workflow (its build machines and limits) are what make them true. They are written in different
files, so a change to one must fail here until the others follow.
"""

from __future__ import annotations

import plistlib
import re
import tomllib

import pytest

from ping_desktop import __version__
from tests.packaging.conftest import PACKAGING, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGING_README = (PACKAGING / "README.md").read_text(encoding="utf-8")
WORKFLOW = (ROOT / ".github" / "workflows" / "installers.yml").read_text(encoding="utf-8")
ISS = (PACKAGING / "windows" / "ping-desktop.iss").read_text(encoding="utf-8")
BUILD_SH = (PACKAGING / "linux" / "build.sh").read_text(encoding="utf-8")
with (PACKAGING / "macos" / "Info.plist").open("rb") as _plist:
    PLIST = plistlib.load(_plist)

# Windows 10 feature updates by name -> build number (what Inno Setup's MinVersion compares).
WINDOWS_10_BUILDS = {"1809": 17763, "1903": 18362, "1909": 18363, "2004": 19041, "21H2": 19044}


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _readme_install() -> str:
    """The README's "Install (users)" section: the promises users read."""
    return README.split("## Install (users)", 1)[1].split("\n## ", 1)[0]


def _job(name: str) -> str:
    """The text of one job's block in the workflow."""
    body = WORKFLOW.split("\njobs:\n", 1)[1]
    blocks = re.split(r"^  (?=[a-z][\w-]*:\s*$)", body, flags=re.MULTILINE)
    found = [b for b in blocks if b.split(":", 1)[0] == name]
    assert len(found) == 1, f"the workflow has no single job {name!r}"
    return found[0]


def _distro_glibc() -> dict[str, tuple[int, ...]]:
    """build.sh's table of LTS releases and their glibc ("Ubuntu 22.04" -> (2, 35))."""
    table = re.search(r"DISTRO_GLIBC=\(([^)]*)\)", BUILD_SH)
    assert table, "build.sh lost its DISTRO_GLIBC table"
    entries = re.findall(r'"([A-Za-z]+ [\d.]+):([\d.]+)"', table.group(1))
    return {name: _version_tuple(glibc) for name, glibc in entries}


# --- the app version -------------------------------------------------------------------------


def test_every_file_naming_the_version_names_this_one() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == __version__
    assert PLIST["CFBundleShortVersionString"] == __version__
    assert PLIST["CFBundleVersion"] == __version__
    default = re.search(r'#ifndef AppVersion\s+(?:;.*\n\s*)*#define AppVersion "([^"]+)"', ISS)
    assert default, "the .iss lost its default AppVersion"
    assert default.group(1) == __version__


def test_a_version_tag_must_name_this_version_in_every_job() -> None:
    for job in ("linux", "windows", "macos"):
        block = _job(job)
        assert "if: startsWith(github.ref, 'refs/tags/v')" in block, job
        assert '"$GITHUB_REF_NAME" != "v$version"' in block, job
        assert "ping_desktop/__init__.py" in block, job


# --- minimum systems ---------------------------------------------------------------------------


def test_macos_minimum_agrees_everywhere() -> None:
    promised = re.search(r"\*\*macOS (\d+)\+:\*\*", _readme_install())
    assert promised, "README's install section no longer names a macOS minimum"
    major = int(promised.group(1))
    plist_min = PLIST["LSMinimumSystemVersion"]
    assert _version_tuple(plist_min) == (major, 0)
    # PySide6-Essentials 6.11 ships macosx_13_0 wheels only: nothing older can be promised.
    assert major >= 13
    target = re.search(r'MACOSX_DEPLOYMENT_TARGET: "([\d.]+)"', _job("macos"))
    assert target, "the macOS job must build for the promised minimum"
    assert target.group(1) == plist_min
    assert f"| macOS {major}+ |" in PACKAGING_README
    assert f"| macOS | {plist_min} |" in PACKAGING_README
    # The build checks the bundled binaries against the plist's value, not a copy of it.
    macos_build = (PACKAGING / "macos" / "build.sh").read_text(encoding="utf-8")
    assert "Print :LSMinimumSystemVersion' packaging/macos/Info.plist" in macos_build
    assert 'check_macos_floor "$APP"' in macos_build


def test_windows_minimum_agrees_everywhere() -> None:
    promised = re.search(
        r"\*\*Windows 10 \(version (\w+) or later\) and 11:\*\*", _readme_install()
    )
    assert promised, "README's install section no longer names a Windows 10 minimum"
    build = WINDOWS_10_BUILDS[promised.group(1)]
    min_version = re.search(r"^MinVersion=([\d.]+)\s*$", ISS, flags=re.MULTILINE)
    assert min_version, "the .iss lost MinVersion"
    assert _version_tuple(min_version.group(1)) == (10, 0, build)
    # Qt 6 supports Windows 10 from 1809 on.
    assert build >= WINDOWS_10_BUILDS["1809"]
    assert f"| Windows 10 ({promised.group(1)}+)/11 |" in PACKAGING_README


def test_linux_minimum_agrees_everywhere() -> None:
    promised = re.search(r"\*\*Ubuntu ([\d.]+)\+ / Debian (\d+)\+:\*\*", _readme_install())
    assert promised, "README's install section no longer names Ubuntu/Debian minimums"
    ubuntu, debian = promised.groups()
    glibc = _distro_glibc()
    linux = _job("linux")
    # The release packages are built on the oldest Ubuntu named, with its glibc as the limit.
    assert f"runs-on: ubuntu-{ubuntu}" in linux
    limit = re.search(r'PING_DESKTOP_MAX_GLIBC: "([\d.]+)"', linux)
    assert limit, "the Linux job must cap the glibc floor"
    assert _version_tuple(limit.group(1)) == glibc[f"Ubuntu {ubuntu}"]
    # Every distribution the README names is new enough for that floor.
    assert glibc[f"Debian {debian}"] >= glibc[f"Ubuntu {ubuntu}"]
    older_debian = f"Debian {int(debian) - 1}"
    if older_debian in glibc:  # the README names the oldest Debian that works, not a newer one
        assert glibc[older_debian] < glibc[f"Ubuntu {ubuntu}"]
    assert f"glibc {limit.group(1)}: Ubuntu {ubuntu}+, Debian {debian}+" in PACKAGING_README
    assert "PING_DESKTOP_MAX_GLIBC" in BUILD_SH


@pytest.mark.parametrize(("distro", "glibc"), [("Ubuntu 22.04", "2.35"), ("Debian 12", "2.36")])
def test_build_sh_knows_the_glibc_of_the_named_releases(distro: str, glibc: str) -> None:
    assert _distro_glibc()[distro] == _version_tuple(glibc)


# --- secrets and build settings -----------------------------------------------------------------


def test_packaging_readme_and_workflow_name_the_same_secrets() -> None:
    used = set(re.findall(r"secrets\.([A-Z][A-Z0-9_]*)", WORKFLOW))
    table = PACKAGING_README.split("## CI secrets and variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, flags=re.MULTILINE))
    assert used, "the workflow reads no secrets any more?"
    assert used == documented
    for variable in re.findall(r"vars\.([A-Z][A-Z0-9_]*)", WORKFLOW):
        assert f"`{variable}`" in table


def test_license_is_an_spdx_string_setuptools_understands() -> None:
    # A TOML table here makes every `pip install` print a deprecation warning (setuptools>=77
    # wants an SPDX expression, and is needed to read one).
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    license_id = pyproject["project"]["license"]
    assert isinstance(license_id, str)
    assert re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9.+-]+", license_id)
    metainfo = (PACKAGING / "linux" / "com.pingintel.PingDesktop.metainfo.xml").read_text("utf-8")
    assert f"<project_license>{license_id}</project_license>" in metainfo
    requires = pyproject["build-system"]["requires"]
    setuptools_pin = [r for r in requires if r.startswith("setuptools")]
    assert setuptools_pin
    low = re.search(r">=\s*([\d.]+)", setuptools_pin[0])
    assert low
    assert _version_tuple(low.group(1)) >= (77,)
