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
from ping_desktop.storage.settings import (
    CONCURRENT_JOBS_RANGE,
    CONFIDENCE_RANGE,
    LOCATIONS_PER_JOB_RANGE,
    Settings,
)

CUSTOM = "__custom__"


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
            self.environment.addItem(env.label, key)
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

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        form = QFormLayout()
        for text, widget in (
            ("Ping.Data &server:", self.environment),
            ("&Custom API URL:", self.custom_url),
            ("&Locations per job:", self.locations_per_job),
            ("&Jobs at once:", self.concurrent_jobs),
            ("Low-&confidence below:", self.threshold),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
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
        self.resize(560, self.sizeHint().height())

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
