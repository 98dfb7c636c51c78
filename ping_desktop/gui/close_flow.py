"""The question asked when the window closes while real runs are still going."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ping_desktop.gui.async_support import dialog_result


async def ask_keep_runs(parent: QWidget, running: int) -> bool | None:
    """Ask what to do with ``running`` runs: True keeps them for next time, False cancels
    them, None means do not close after all."""
    box = QMessageBox(QMessageBox.Icon.Question, "Jobs are still running",
                      f"{running} run(s) are still running. Keep them for next time? "
                      "They continue automatically when you start Ping Desktop again.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("closeQuestion")
    keep = box.addButton("&Keep for next time", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Cancel the &jobs", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Don't close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    await dialog_result(box)
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is keep:
        return True
    if clicked is cancel:
        return False
    return None
