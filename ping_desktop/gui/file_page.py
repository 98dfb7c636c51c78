"""The first tab: the welcome page until a file is read, then the file (preview and mapping)
beside the sources, the start hint and the Start button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.intake_controller import LoadedFile
from ping_desktop.gui.mapping_panel import MappingPanel
from ping_desktop.gui.repairs_panel import RepairsPanel
from ping_desktop.gui.sources_panel import SourcesPanel
from ping_desktop.gui.welcome_page import WelcomePage


class FilePage(QStackedWidget):
    """Welcome page or loaded file; shows what it is told and decides nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fileStack")
        self.welcome = WelcomePage(self)

        self.file_label = QLabel()
        self.file_label.setObjectName("currentFileLabel")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("queueLabel")
        self.another_button = QPushButton("Open &another file…")
        self.another_button.setObjectName("openAnotherButton")
        self.close_file_button = QPushButton("Close fi&le")
        self.close_file_button.setObjectName("closeFileButton")
        head = QHBoxLayout()
        head.addWidget(self.file_label, 1)
        head.addWidget(self.queue_label)
        head.addWidget(self.another_button)
        head.addWidget(self.close_file_button)

        self.mapping_panel = MappingPanel()
        self.sources_panel = SourcesPanel()
        self.repairs_panel = RepairsPanel()
        self.start_hint = QLabel()
        self.start_hint.setObjectName("startHint")
        self.start_hint.setWordWrap(True)
        self.start_button = QPushButton("Start &enriching")
        self.start_button.setObjectName("startButton")
        self.start_button.setAccessibleName("Start enriching")
        self.start_button.setToolTip("Send the locations to Ping.Data (Ctrl+Return)")
        self.start_button.setDefault(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.sources_panel, 1)
        # Just above Start: the last decision before credits are spent.
        right_layout.addWidget(self.repairs_panel)
        right_layout.addWidget(self.start_hint)
        right_layout.addWidget(self.start_button)
        self.repairs_panel.set_tab_neighbours(self.sources_panel.list, self.start_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.mapping_panel)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.loaded_page = QWidget()
        loaded_layout = QVBoxLayout(self.loaded_page)
        loaded_layout.addLayout(head)
        loaded_layout.addWidget(split, 1)

        self.addWidget(self.welcome)
        self.addWidget(self.loaded_page)

    def show_welcome(self) -> None:
        """Back to the drop zone."""
        self.setCurrentWidget(self.welcome)

    def show_file(self, loaded: LoadedFile) -> None:
        """Show a read file: its name and folder, sheet, header row, preview and mapping."""
        self.setCurrentWidget(self.loaded_page)
        prefix = "Demo data — " if loaded.is_demo else ""
        self.file_label.setText(f"<b>{prefix}{loaded.path.name}</b> — {loaded.path.parent}")
        self.mapping_panel.show_table(loaded.table, loaded.sheets, loaded.mapping)

    def set_queue(self, waiting: int) -> None:
        """How many more files wait to be opened."""
        self.queue_label.setText(f"{waiting} more file(s) queued" if waiting else "")

    def set_start(self, allowed: bool, hint: str) -> None:
        """Enable Start or not, and say why under it."""
        self.start_button.setEnabled(allowed)
        self.start_hint.setText(hint)
