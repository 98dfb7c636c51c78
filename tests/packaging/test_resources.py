"""resource_path() from a source checkout and inside a (simulated) PyInstaller bundle."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ping_desktop import resources
from ping_desktop.resources import ResourceMissingError, app_icon_path, resource_path
from tests.packaging.conftest import ROOT

ICONS = ROOT / "resources" / "icons"


def test_finds_the_sample_and_icon_from_source() -> None:
    assert resources.sample_sov_path() == ROOT / "resources" / "sample" / "sample-sov.xlsx"
    assert resources.sample_sov_path().read_bytes()[:2] == b"PK"  # an xlsx is a zip
    assert app_icon_path() == ICONS / "ping-desktop.svg"
    assert app_icon_path(256) == ICONS / "ping-desktop-256.png"


def test_finds_files_inside_a_frozen_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "resources" / "sample" / "sample-sov.xlsx"
    bundled.parent.mkdir(parents=True)
    bundled.write_bytes(b"PK")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.sample_sov_path() == bundled
    # The bundle is the only place looked at: the checkout's icons do not leak in.
    with pytest.raises(ResourceMissingError):
        app_icon_path()


def test_missing_file_says_what_to_do() -> None:
    with pytest.raises(ResourceMissingError) as caught:
        resource_path("sample", "no-such.xlsx")
    message = str(caught.value)
    assert "sample/no-such.xlsx" in message
    assert "Reinstall" in message
    assert isinstance(caught.value, FileNotFoundError)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_rendered_png_sizes_match_their_names(size: int) -> None:
    assert _png_size(ICONS / f"ping-desktop-{size}.png") == (size, size)


def test_windows_icon_holds_every_size() -> None:
    data = (ICONS / "ping-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, _h, _c, _r, _planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert bits == 32
        assert offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icon_source_is_square_svg() -> None:
    root = ET.parse(ICONS / "ping-desktop.svg").getroot()  # noqa: S314  (our own file)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 512 512"
