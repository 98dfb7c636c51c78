"""The hosted-CI workflow: one job per OS that builds, smoke-tests and uploads.

The app's dependencies do not include a YAML parser, so the workflow is read with a few
line rules that are enough for its simple block structure (two-space indents, no anchors).
"""

from __future__ import annotations

import re

from tests.packaging.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


def _jobs() -> dict[str, str]:
    """Job id -> the text of its block."""
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "\t" not in text, "YAML must not contain tabs"
    body = text.split("\njobs:\n", 1)[1]
    blocks = re.split(r"^  (?=[a-z][\w-]*:\s*$)", body, flags=re.MULTILINE)
    return {b.split(":", 1)[0]: b for b in blocks if b.strip()}


def test_triggers_are_manual_and_tags() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    on = text.split("\non:\n", 1)[1].split("\n\n", 1)[0]
    assert "  workflow_dispatch:" in on
    assert re.search(r"tags: \[\"v\*\"\]", on)


def test_one_job_per_os_on_its_own_runner() -> None:
    jobs = _jobs()
    assert set(jobs) == {"linux", "windows", "macos"}
    assert "runs-on: ubuntu-22.04" in jobs["linux"]  # oldest glibc we support
    assert re.search(r"runs-on: windows-", jobs["windows"])
    mac = jobs["macos"]
    assert "runner: macos-14" in mac
    assert re.search(r"arch: arm64", mac)
    assert re.search(r"arch: x86_64", mac)


def test_each_job_builds_smoke_tests_and_uploads() -> None:
    jobs = _jobs()
    assert "bash packaging/linux/build.sh --smoke" in jobs["linux"]
    assert "./packaging/windows/build.ps1 -Smoke" in jobs["windows"]
    assert "bash packaging/macos/build.sh --smoke" in jobs["macos"]
    for name, block in jobs.items():
        assert "actions/upload-artifact@" in block, name
        assert "if-no-files-found: error" in block, name
        assert "actions/setup-python@" in block, name
    for script in ("linux/build.sh", "windows/build.ps1", "macos/build.sh"):
        assert (ROOT / "packaging" / script).is_file()


def test_secrets_only_reach_the_steps_that_sign() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "secrets." in line]
    assert lines
    for line in lines:
        key = line.strip().split(":", 1)[0]
        assert key.isupper(), f"secret passed other than as a step/job env variable: {line}"
    assert "permissions:\n  contents: read" in text
