#!/usr/bin/env python3
"""Developer entry point: set up everything on a fresh machine, then launch or test.

    python3 dev.py run     # launch the app (demo mode against the built-in emulator when no token)
                           # in a throw-away data folder; --real-data uses the real one
    python3 dev.py test    # lint, type-check, import-boundary check and the whole test suite

It installs what it needs: Debian/Ubuntu packages for Qt (when run as root or with sudo),
a virtual environment in .venv and the project's dependencies. Only the standard library is
used here, because nothing else exists yet on a fresh machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".ping-desktop-deps"

# Qt's xcb/offscreen plugins dlopen these; fonts so text is not drawn as boxes; python3-venv
# because Debian splits venv out of python3; xvfb/xauth for screenshots of a real window;
# LibreOffice Calc to check exported workbooks.
APT_PACKAGES = [
    "python3-venv",
    "libegl1",
    "libgl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "fontconfig",
    "fonts-dejavu-core",
    "libdbus-1-3",
    "libglib2.0-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "xvfb",
    "xauth",
    # soffice for tests/export/test_xlsx_compat.py: the exported workbook must read back in
    # LibreOffice (headless, no GUI libraries) as well as in openpyxl.
    "libreoffice-calc-nogui",
]


def _run(cmd: list[str], **kwargs: object) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def _missing_apt_packages() -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for pkg in APT_PACKAGES:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in result.stdout:
            missing.append(pkg)
    return missing


def ensure_system_packages() -> None:
    """Install Qt's system libraries with apt when they are missing (Debian/Ubuntu)."""
    missing = _missing_apt_packages()
    if not missing:
        return
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif shutil.which("sudo"):
        prefix = ["sudo"]
    else:
        sys.exit(
            "These system packages are needed and could not be installed (not root, no sudo):\n  "
            + " ".join(missing)
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run([*prefix, "apt-get", "update", "-qq"], env=env)
    _run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def ensure_venv() -> Path:
    """Create .venv and install the project with its dev extras when pyproject.toml changed."""
    python = VENV / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(VENV)])
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != want:
        _run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        _run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"])
        STAMP.write_text(want)
    return python


def cmd_run(args: list[str]) -> int:
    ensure_system_packages()
    python = ensure_venv()
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not has_display and sys.platform.startswith("linux"):
        print(
            "No display found (DISPLAY/WAYLAND_DISPLAY unset). Run this from a desktop session, "
            "or under a virtual screen: xvfb-run -a python3 dev.py run",
            file=sys.stderr,
        )
        return 2
    # A checkout may be newer than an installed Ping Desktop: its runs, settings and run-store
    # migrations stay in a throw-away folder unless asked (--real-data, or PING_DESKTOP_HOME).
    # The API token lives in the system keyring either way.
    where: list[str] = []
    if "--real-data" in args:
        args = [a for a in args if a != "--real-data"]
    elif not os.environ.get("PING_DESKTOP_HOME"):
        where = ["--temp-basedir"]
        print(
            "Runs, settings and logs go to a throw-away folder, deleted when the app closes "
            "(python3 dev.py run --real-data keeps them in your real data folder).",
            file=sys.stderr,
        )
    # --demo: with no API token stored, the app opens the sample SOV against its built-in
    # emulator, so a fresh checkout shows the whole flow without an account.
    return subprocess.call(
        [str(python), "-m", "ping_desktop", "--demo", *where, *args], cwd=ROOT
    )


def cmd_test(args: list[str]) -> int:
    ensure_system_packages()
    python = ensure_venv()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    bindir = VENV / "bin"
    steps: list[tuple[str, list[str]]] = [
        ("ruff", [str(bindir / "ruff"), "check", "ping_desktop", "tests", "bench", "dev.py"]),
        ("mypy --strict", [str(bindir / "mypy")]),
        ("import boundaries", [str(bindir / "lint-imports")]),
        ("pytest", [str(python), "-m", "pytest", *args]),
    ]
    failed = []
    for name, cmd in steps:
        print(f"\n=== {name} ===", flush=True)
        code = subprocess.call(cmd, cwd=ROOT, env=env)
        if code != 0:
            # A negative code is a signal (a crash or a kill): say which, since pytest itself
            # prints nothing then.
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
            failed.append(f"{name} ({how})")
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("\nAll checks passed.")
    return 0


def main() -> int:
    commands = {"run": cmd_run, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
