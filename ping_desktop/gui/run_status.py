"""The run-state line: one framed line above the jobs table and the history that says, in
words, what the run is doing or why it stopped, with the buttons that fix it.

The words come from :mod:`ping_desktop.gui.run_status_texts` (Qt-free); this widget only shows
them and reports which button was pressed, for which run (``step_requested(step, run_id)``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ping_desktop.gui.run_status_texts import RunState, Step, Tone

_STYLES = {
    Tone.INFO: "background: #e7f1fb; color: #0b3a63; border: 1px solid #9cc3e6;",
    Tone.GOOD: "background: #e6f4ea; color: #0f4d25; border: 1px solid #8cc9a1;",
    Tone.PROBLEM: "background: #fdecea; color: #6b1a13; border: 1px solid #e6a19a;",
}
_ICONS = {Tone.INFO: "\u25b6", Tone.GOOD: "\u2714", Tone.PROBLEM: "\u26a0"}


class RunStateBanner(QFrame):
    """Shows one :class:`RunState` (or an idle text) with its buttons."""

    step_requested = Signal(object, int)  # (Step, run_id)

    def __init__(self, idle_text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._idle_text = idle_text
        self.state: RunState | None = None
        self.saved_path: Path | None = None
        self._order: list[Step] = []
        self._shown: tuple[object, ...] | None = None
        self._tone: Tone | None = None
        self.headline = QLabel(self)
        self.headline.setObjectName(f"{name}Headline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.detail = QLabel(self)
        self.detail.setObjectName(f"{name}Detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(self)
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.hide()
        self.buttons: dict[Step, QPushButton] = {}
        self._row = row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for step in Step:
            button = QPushButton(step.value, self)
            button.setObjectName(f"{name}_{step.name.lower()}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=step: self._clicked(s))
            button.hide()
            self.buttons[step] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.summary)
        layout.addLayout(row)
        self.show_state(None)

    # ----- what it shows -----------------------------------------------------------------------

    def show_state(self, state: RunState | None, summary_html: str | None = None,
                   saved: Path | None = None) -> None:
        """Show ``state`` (None: the idle text), an optional summary and, once the results
        were saved, *Open file* and *Show in folder* for ``saved``."""
        # Called after every batch of progress (several times a second): nothing to do when
        # nothing changed, and the style sheet (costly to apply) only when the tone does.
        shown = (state, summary_html, saved)
        if shown == self._shown:
            return
        self._shown = shown
        self.state, self.saved_path = state, saved
        tone = state.tone if state is not None else Tone.INFO
        if tone is not self._tone:
            self._tone = tone
            self.setStyleSheet(
                f"#{self.objectName()} {{ {_STYLES[tone]} border-radius: 4px; }}"
                f" #{self.objectName()} QLabel {{ border: none; background: none; }}")
        if state is None:
            self.headline.setText(self._idle_text)
            self.detail.clear()
            self.detail.hide()
        else:
            self.headline.setText(f"{_ICONS[tone]} {state.headline}")
            self.detail.setToolTip(state.detail)
            self.detail.setText(state.detail
                                + (f" Saved to {saved}." if saved is not None else ""))
            self.detail.show()
        self.summary.setText(summary_html or "")
        self.summary.setVisible(bool(summary_html))
        order = list(state.steps) if state is not None else []
        if saved is not None:
            order = [Step.OPEN_FILE, Step.SHOW_FOLDER,
                     *(s for s in order if s not in (Step.OPEN_FILE, Step.SHOW_FOLDER))]
        steps = set(order)
        # Buttons in the order of the state: the fix first, then the rest.
        for position, step in enumerate(order + [s for s in Step if s not in steps]):
            button = self.buttons[step]
            self._row.removeWidget(button)
            self._row.insertWidget(position, button)
            button.setVisible(step in steps)
        self._order = order
        # The obvious next step is the default-looking one.
        main = next((s for s in (Step.SET_TOKEN, Step.SAVE, Step.RETRY, Step.RESUME)
                     if s in steps), None)
        for step, button in self.buttons.items():
            button.setDefault(step is main and saved is None)
        self.setAccessibleName("Run state")
        self.setAccessibleDescription(f"{self.headline.text()} {self.detail.text()}")

    def text(self) -> str:
        """Everything the line says (for tests and screen readers)."""
        return " ".join(t for t in (self.headline.text(), self.detail.text(),
                                    self.summary.text()) if t)

    def visible_steps(self) -> list[Step]:
        """The buttons shown now, in order."""
        return [step for step in self._order if not self.buttons[step].isHidden()]

    def _clicked(self, step: Step) -> None:
        if self.state is not None:
            self.step_requested.emit(step, self.state.run_id)
