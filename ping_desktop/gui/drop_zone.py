"""The large "drop a file here" target of the welcome state, and file-drop helpers.

The window itself accepts drops anywhere (:func:`paths_from_mime` is shared); this widget is
the visible invitation plus a Browse button for people who do not drag.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ping_desktop.intake.sniff import EXCEL_SUFFIXES as SPREADSHEET_SUFFIXES
from ping_desktop.intake.sniff import TEXT_SUFFIXES


def file_dialog_filter() -> str:
    """Name filters for QFileDialog: all supported, then Excel/ODS, then text, then all files."""
    sheets = " ".join(f"*{s}" for s in SPREADSHEET_SUFFIXES)
    texts = " ".join(f"*{s}" for s in TEXT_SUFFIXES)
    return (
        f"Spreadsheets and CSV ({sheets} {texts});;Excel and OpenDocument ({sheets});;"
        f"CSV and text ({texts});;All files (*)"
    )


def paths_from_mime(mime: QMimeData) -> list[Path]:
    """Local file paths carried by a drag (non-file URLs are ignored)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropZone(QFrame):
    """A big dashed target: "Drop an Excel or CSV file here, or Browse…"."""

    browse_requested = Signal()
    files_dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAccessibleName("Drop zone: drop an Excel or CSV file here")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._set_hover(False)

        self.title = QLabel("Drop an Excel or CSV file here")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel(
            "Statements of values in .xlsx, .xlsm, .xls, .xlsb, .ods, .csv or .tsv. "
            "You can drop several files; they are opened one after the other."
        )
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setAccessibleName("Browse for a file to open")
        self.browse_button.setToolTip("Choose a spreadsheet to enrich (Ctrl+O)")
        self.browse_button.clicked.connect(self.browse_requested)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addSpacing(12)
        layout.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def _set_hover(self, hover: bool) -> None:
        # palette(highlight) keeps the outline visible in both light and dark schemes.
        width = 3 if hover else 2
        style = "solid" if hover else "dashed"
        self.setStyleSheet(
            f"#dropZone {{ border: {width}px {style} palette(highlight); border-radius: 12px; }}"
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event.mimeData()):
            self._set_hover(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_hover(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_hover(False)
        paths = paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()
