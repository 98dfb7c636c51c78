"""Render the app icon SVG into the PNG sizes, the Windows .ico and the macOS .iconset.

    .venv/bin/python packaging/render_icons.py                # PNGs + .ico in resources/icons
    .venv/bin/python packaging/render_icons.py --iconset DIR  # + DIR/ping-desktop.iconset

Qt's own SVG renderer draws the icon, so no extra tool is needed (rsvg, Inkscape, Pillow).
The .ico is written here too: 16-48 px as 32-bit bitmaps (read by every Windows version and by
Inno Setup), 64 px and up as PNG (much smaller; read since Vista). `iconutil` turns the
iconset into .icns on macOS (see packaging/macos/build.sh).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path
from typing import cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "ping-desktop.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# iconutil's required names: (base size, scale) → icon_<b>x<b>[@2x].png
ICONSET = tuple((base, scale) for base in (16, 32, 128, 256, 512) for scale in (1, 2))


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """Draw the SVG into a transparent square image of ``size`` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """Encode an image as PNG in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # QImageWriter rather than QImage.save: PySide 6.12's save() rejects the bytes format its
    # own stubs ask for.
    if not QImageWriter(buffer, QByteArray(b"png")).write(image):
        raise RuntimeError("Qt could not encode a PNG (imageformats plugin missing?)")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """Encode an image as an ICO bitmap entry: BITMAPINFOHEADER, BGRA rows bottom-up, AND mask."""
    size = image.width()
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = []
    for y in range(size - 1, -1, -1):  # bitmaps are stored bottom-up
        line = cast(memoryview, argb.constScanLine(y))
        rows.append(bytes(line)[: size * 4])  # Format_ARGB32 is BGRA in memory on little-endian
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    mask_stride = ((size + 31) // 32) * 4  # the alpha channel rules; the 1-bit mask stays clear
    return header + b"".join(rows) + bytes(mask_stride * size)


def write_ico(images: dict[int, QImage], path: Path) -> None:
    """Write a multi-size .ico: bitmaps up to 48 px, PNG from 64 px."""
    payloads = [(s, png_bytes(images[s]) if s >= 64 else dib_bytes(images[s])) for s in ICO_SIZES]
    offset = 6 + 16 * len(payloads)
    directory = b""
    blobs = b""
    for size, blob in payloads:
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    path.write_bytes(struct.pack("<HHH", 0, 1, len(payloads)) + directory + blobs)


def main(argv: list[str] | None = None) -> int:
    """Render every icon file; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iconset", type=Path, help="also write DIR/ping-desktop.iconset")
    args = parser.parse_args(argv)

    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"Cannot read the icon source {SOURCE}", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in images.items():
        (ICONS / f"ping-desktop-{size}.png").write_bytes(png_bytes(image))
    write_ico(images, ICONS / "ping-desktop.ico")
    print(f"wrote {len(images)} PNGs and ping-desktop.ico into {ICONS}")

    if args.iconset:
        iconset = args.iconset / "ping-desktop.iconset"
        iconset.mkdir(parents=True, exist_ok=True)
        for base, scale in ICONSET:
            suffix = "@2x" if scale == 2 else ""
            target = iconset / f"icon_{base}x{base}{suffix}.png"
            target.write_bytes(png_bytes(render(renderer, base * scale)))
        print(f"wrote {iconset}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
