"""The address repairs the plan proposes, one checkbox per kind ("312 ZIPs restored (leading
zeros)"), ticked by default: unticking one sends those rows as the user wrote them.

It only shows choices and announces clicks; the decision lives in the window's
:class:`~ping_desktop.draft.Draft`, and the file is planned again with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from ping_desktop.worker.contract import RepairOffer

TITLE = "Address repairs to send"
EXPLAIN = ("Untick a repair to send those rows as written. Your file is never changed; the "
           "export shows what each row was sent as.")


class RepairsPanel(QGroupBox):
    """One checkbox per proposed kind of repair; hidden when nothing is proposed.

    Signal: ``repair_toggled(kind, accepted)`` when the user ticks or unticks one.
    """

    repair_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setObjectName("repairsPanel")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.setSpacing(2)
        self.explain = QLabel(EXPLAIN)
        self.explain.setWordWrap(True)
        self.explain.setObjectName("repairsExplain")
        self._layout.addWidget(self.explain)
        #: The checkbox of each kind shown so far, in the order first shown. Kept across plans
        #: (re-labelled, not rebuilt) so the one the user just toggled keeps keyboard focus.
        self.boxes: dict[str, QCheckBox] = {}
        self._tab_between: tuple[QWidget, QWidget] | None = None
        self.setVisible(False)

    def set_tab_neighbours(self, before: QWidget, after: QWidget) -> None:
        """Tab goes ``before`` -> the checkboxes -> ``after`` (boxes made when a plan arrives
        would otherwise join the end of the window's tab order, after Start)."""
        self._tab_between = (before, after)
        self._order_tabs()

    def _order_tabs(self) -> None:
        if self._tab_between is None:
            return
        before, after = self._tab_between
        chain = [before, *self.boxes.values(), after]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def show_choices(self, choices: Sequence[tuple[RepairOffer, bool]]) -> None:
        """Show the plan's repairs, each ticked when accepted; others are hidden."""
        shown = set()
        for offer, accepted in choices:
            box = self.boxes.get(offer.kind)
            if box is None:
                box = QCheckBox()
                box.setObjectName(f"repair_{offer.kind}")
                box.toggled.connect(lambda on, kind=offer.kind: self._toggled(kind, on))
                self.boxes[offer.kind] = box
                self._layout.addWidget(box)
                self._order_tabs()
            box.blockSignals(True)  # showing a decision is not making one
            box.setChecked(accepted)
            box.blockSignals(False)
            box.setText(offer.label)
            box.setAccessibleName(f"Apply: {offer.label}")
            box.setToolTip(f"Ticked: send the repaired address. Unticked: send the rows as "
                           f"written ({offer.label}).")
            box.setVisible(True)
            shown.add(offer.kind)
        for kind, box in self.boxes.items():
            if kind not in shown:
                box.setVisible(False)
        self.setVisible(bool(shown))

    def clear(self) -> None:
        """No file, or no plan yet."""
        self.show_choices(())

    def _toggled(self, kind: str, on: bool) -> None:
        self.repair_toggled.emit(kind, on)


__all__ = ["RepairsPanel"]
