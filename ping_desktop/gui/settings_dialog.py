"""Settings: which Ping.Data server (a documented environment or a custom URL), job size,
concurrency and the low-confidence threshold. The token has its own dialog."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.api.environments import ENVIRONMENTS, normalise_api_url
from ping_desktop.gui.wheel_guard import guard_wheel
from ping_desktop.storage.settings import (
    CONCURRENT_JOBS_RANGE,
    CONFIDENCE_RANGE,
    LOCATIONS_PER_JOB_RANGE,
    Settings,
)

CUSTOM = "__custom__"
#: The servers in words: three production hosts were all called "Production".
SERVER_NAMES = {
    "prod": "Ping.Data (usual) — data-api.pingintel.com",
    "prod-sovfixer": "Ping.Data, second address — data-api.sovfixer.com",
    "prod-api": "Ping.Data, address of Ping's own tools — api.pingintel.com",
    "prodeu": "Ping.Data Europe — api.eu.pingintel.com",
    "staging": "Ping.Data test server (not for real work) — api-staging.pingintel.com",
}
#: What the numbers mean, under each (plain words).
HELP_TEXTS = {
    "locations": "How many rows of your file go to Ping.Data in one request. Smaller requests "
                 "show progress sooner; the usual value suits most files.",
    "jobs": "How many of those requests Ping.Data works on at the same time. More finishes "
            "sooner; fewer is gentler on a slow connection.",
    "threshold": "Results Ping.Data is less sure of than this are marked for you to check.",
}


class SettingsDialog(QDialog):
    """Edits a copy of :class:`Settings`; ``settings_accepted(Settings)`` on OK."""

    settings_accepted = Signal(Settings)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._settings = settings

        self.environment = QComboBox()
        self.environment.setObjectName("environmentCombo")
        self.environment.setAccessibleName("Ping.Data server")
        for key, env in ENVIRONMENTS.items():
            self.environment.addItem(SERVER_NAMES.get(key, env.label), key)
        self.environment.addItem("Custom API URL…", CUSTOM)
        self.custom_url = QLineEdit()
        self.custom_url.setObjectName("customUrlEdit")
        self.custom_url.setAccessibleName("Custom API URL")
        self.custom_url.setPlaceholderText("https://your-ping-server.example.com")
        if settings.custom_api_url:
            self.environment.setCurrentIndex(self.environment.findData(CUSTOM))
            self.custom_url.setText(settings.custom_api_url)
        else:
            current = self.environment.findData(settings.environment)
            self.environment.setCurrentIndex(max(0, current))
        self.environment.currentIndexChanged.connect(self._env_changed)

        self.locations_per_job = QSpinBox()
        self.locations_per_job.setObjectName("locationsPerJobSpin")
        self.locations_per_job.setAccessibleName("Locations per job")
        self.locations_per_job.setRange(*LOCATIONS_PER_JOB_RANGE)
        self.locations_per_job.setValue(settings.locations_per_job)
        self.concurrent_jobs = QSpinBox()
        self.concurrent_jobs.setObjectName("concurrentJobsSpin")
        self.concurrent_jobs.setAccessibleName("Jobs running at once")
        self.concurrent_jobs.setRange(*CONCURRENT_JOBS_RANGE)
        self.concurrent_jobs.setValue(settings.concurrent_jobs)
        self.threshold = QSpinBox()
        self.threshold.setObjectName("confidenceThresholdSpin")
        self.threshold.setAccessibleName("Low-confidence threshold in percent")
        self.threshold.setRange(*CONFIDENCE_RANGE)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(settings.low_confidence_threshold)

        for spin in (self.locations_per_job, self.concurrent_jobs, self.threshold):
            guard_wheel(spin)
        guard_wheel(self.environment)

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, widget, help_key in (
            ("Ping.Data &server:", self.environment, ""),
            ("C&ustom API URL:", self.custom_url, ""),
            ("&Locations per job:", self.locations_per_job, "locations"),
            ("&Jobs at once:", self.concurrent_jobs, "jobs"),
            ("Low-&confidence below:", self.threshold, "threshold"),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if help_key:
                note = QLabel(HELP_TEXTS[help_key])
                note.setObjectName(f"settingsHelp_{help_key}")
                note.setWordWrap(True)
                note.setStyleSheet("color: palette(placeholder-text);")
                form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._env_changed()
        self.setMinimumWidth(480)
        self.resize(600, self.heightForWidth(600) if self.hasHeightForWidth()
                    else self.sizeHint().height())

    def _env_changed(self, *_args: object) -> None:
        self.custom_url.setEnabled(self.environment.currentData() == CUSTOM)

    def result_settings(self) -> Settings:
        """The edited settings; raises ValueError with a plain message for a bad URL."""
        custom: str | None = None
        env = str(self.environment.currentData())
        if env == CUSTOM:
            normalise_api_url(self.custom_url.text())  # raises a readable ValueError
            custom = self.custom_url.text().strip()
            env = self._settings.environment
        return dataclasses.replace(
            self._settings,
            environment=env,
            custom_api_url=custom,
            locations_per_job=self.locations_per_job.value(),
            concurrent_jobs=self.concurrent_jobs.value(),
            low_confidence_threshold=self.threshold.value(),
        )

    def _accept(self) -> None:
        try:
            settings = self.result_settings()
        except ValueError as exc:
            self.error.setText("✗ " + str(exc))
            self.error.setVisible(True)
            self.custom_url.setFocus()
            return
        self.settings_accepted.emit(settings)
        self.accept()
