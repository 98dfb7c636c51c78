"""The review's Map tab: every located row as a dot over the bundled offline basemap, coloured
by a chosen result field with a legend; pan (drag, arrow keys), zoom (wheel, + and -), box-select
(Shift+drag), hover for a row's name and address; the rows without coordinates listed beside it.

Selection is by sheet row number: ``selection_changed`` says what the user picked on the map,
:meth:`MapView.select_rows` shows what was picked in the table. Nothing here needs the network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.gui.map_canvas import MapCanvas
from ping_desktop.gui.map_data import (
    NO_CLASS,
    Grouping,
    MapPoints,
    group_dots,
    lay_out,
    to_grouping,
)
from ping_desktop.storage.run_map import MapRow
from ping_desktop.storage.run_summary import BarKey
from ping_desktop.worker.map_points import DotGroups

ROW = Qt.ItemDataRole.UserRole
OUTCOME_COLOURS = {"located": "#2e7d32", "low confidence": "#f9a825", "not found": "#c62828",
                   "not sent": "#757575"}
PALETTE = ("#1565c0", "#e65100", "#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4e342e",
           "#283593", "#f9a825", "#37474f", "#c62828", "#00695c")
_LISTED = 2000  # rows without coordinates listed by name; the rest counted
_LEGEND_LINES = 12  # classes named in a saved image's legend


class MapView(QWidget):
    """Map + colour choice + legend + rows without coordinates."""

    #: frozenset[int] of sheet rows picked on the map (dots or the unlocated list).
    selection_changed = Signal(object)
    #: BarKey of the colouring the user chose (the owner answers with set_classes).
    colour_changed = Signal(object)
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.canvas = MapCanvas(self)
        self.canvas.picked.connect(self._on_picked)
        self.colour_box = QComboBox(self)
        # As wide as its longest choice ("FL: flood zone"): a cut-off name says nothing.
        self.colour_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.colour_box.setObjectName("mapColour")
        self.colour_box.setAccessibleName("Colour the dots by")
        self.colour_box.currentIndexChanged.connect(self._on_colour_chosen)
        colour_label = QLabel("&Colour by:", self)
        colour_label.setBuddy(self.colour_box)
        self.save_button = QPushButton("Save map as &image\u2026", self)
        self.save_button.setObjectName("mapSaveImage")
        self.save_button.clicked.connect(self.save_requested)
        hint = QLabel("Pan: drag or arrows \u00b7 zoom: wheel or +/\u2212 \u00b7 select: "
                      "Shift+drag", self)
        hint.setObjectName("mapHint")
        hint.setWordWrap(True)  # two lines in a narrow window rather than cut short
        self.legend = QListWidget(self)
        self.legend.setObjectName("mapLegend")
        self.legend.setAccessibleName("Legend")
        self.unlocated_label = QLabel(self)
        self.unlocated_label.setWordWrap(True)
        # Three lines' room whatever it says ("Reading…", the count, a failure): a list that
        # wraps its items lays every item out again whenever its height changes (44 ms with
        # 2,000 rows listed), and a reload changed this label's height twice.
        self.unlocated_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 4)
        self.unlocated = QListWidget(self)
        self.unlocated.setWordWrap(True)  # the reason, in full, below the row's name
        # Wrapped items are laid out a batch per event-loop turn: all at once, a few hundred
        # of them took 30-60 ms of text layout on the first paint after each load.
        self.unlocated.setLayoutMode(QListWidget.LayoutMode.Batched)
        self.unlocated.setBatchSize(20)
        self.unlocated.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unlocated.setObjectName("mapUnlocated")
        self.unlocated.setAccessibleName("Rows without coordinates")
        self.unlocated.itemSelectionChanged.connect(self._on_unlocated_picked)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("Legend", self))
        side_layout.addWidget(self.legend, 1)
        side_layout.addWidget(self.unlocated_label)
        side_layout.addWidget(self.unlocated, 2)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.canvas)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        bar = QHBoxLayout()
        bar.addWidget(colour_label)
        bar.addWidget(self.colour_box)
        bar.addWidget(hint, 1)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.placement = lay_out([])
        self._entries: list[tuple[str, QColor, int]] = []  # the legend: class, colour, dots
        #: The sheet row of each dot.
        self.rows: Sequence[int] = self.placement.rows
        #: Dots per class of the colouring shown (empty until a colouring's classes arrive).
        self.classes: dict[str, int] = {}
        self.selected: frozenset[int] = frozenset()
        #: What hovering a sheet row's dot says (the owner may read it from the store).
        self.describe: Callable[[int], str] = lambda row: f"Row {row}"

    # ----- data ------------------------------------------------------------------------------

    def set_rows(self, rows: list[MapRow] | MapPoints, choices: list[tuple[str, BarKey]],
                 groups: DotGroups | None = None) -> None:
        """The run's rows (located ones become dots; for a big run better laid out in the
        worker: :func:`ping_desktop.worker.map_points.load_map`) and the colourings
        offered; ``groups``: the dots grouped by the first of them, if known already
        (otherwise every dot is one colour until :meth:`set_classes`). Given as MapRows,
        hovering says their names and addresses."""
        if isinstance(rows, MapPoints):
            layout = rows
        else:
            layout = lay_out(rows)
            by_row = {r.row: r for r in rows}
            self.describe = lambda row: tip_text(by_row[row]) if row in by_row else f"Row {row}"
        # The same run again (its end while its map was watched): the view stays where the
        # user left it when every dot is in sight. Zooming to fit again changed the scale,
        # and the basemap (cached per scale) was drawn again beside 100,000 dots in one turn
        # of the event loop (50 ms; bench_gui_stall --review-open).
        keep_view = (len(self.placement) > 0 and layout.run_id != 0
                     and layout.run_id == self.placement.run_id
                     and self.canvas.shows(layout.bounds))
        self.placement = layout
        self.rows = layout.rows
        self.canvas.set_points(layout, lambda i: self.describe(self.rows[i]))
        missing = layout.missing
        count = layout.missing_count
        self.unlocated_label.setText(
            f"Not on the map: {count:,} row{'s' if count != 1 else ''} "
            "without coordinates" if count else "Every row is on the map.")
        self.unlocated.blockSignals(True)
        self.unlocated.clear()
        for r in missing[:_LISTED]:
            item = QListWidgetItem(f"Row {r.row}: {r.name or r.address or '(no address)'}"
                                   f" \u2014 {r.reason}")
            item.setData(ROW, r.row)
            item.setToolTip(f"{r.name}\n{r.address}\n{r.reason}".strip())
            self.unlocated.addItem(item)
        if count > len(missing[:_LISTED]):
            self.unlocated.addItem(f"\u2026 and {count - len(missing[:_LISTED]):,} more")
        self.unlocated.blockSignals(False)
        self.colour_box.blockSignals(True)
        self.colour_box.clear()
        for label, key in choices:
            self.colour_box.addItem(label, key)
        self.colour_box.blockSignals(False)
        self.classes = {}
        self.selected = frozenset()
        if groups is not None and self.colouring() is not None:
            self.show_grouping(to_grouping(groups))
        else:
            # Until the chosen colouring's classes arrive, every dot in one colour.
            self.show_grouping(group_dots(layout, None))
            self.classes = {}
        self.canvas.points_item.set_selected([])
        if not keep_view:
            self.canvas.fit()

    def set_classes(self, classes: dict[int, str] | DotGroups) -> None:
        """The chosen colouring: each row's class (rows left out: no value), or the dots
        already grouped by them (for a big run, in the worker:
        :func:`ping_desktop.worker.map_points.load_groups`)."""
        if isinstance(classes, DotGroups):
            self.show_grouping(to_grouping(classes))
        else:
            self.show_grouping(group_dots(
                self.placement, classes if self.colouring() is not None else None))

    def colouring(self) -> BarKey | None:
        """The colouring chosen, if any."""
        key = self.colour_box.currentData()
        return key if isinstance(key, BarKey) else None

    def show_grouping(self, grouping: Grouping) -> None:
        """Draw the dots in these groups, and list the groups in the legend."""
        order = grouping.order
        colours = {n: _colour(n, i) for i, n in enumerate(order)}
        self.canvas.points_item.set_groups((colours[n], grouping.polygons[n]) for n in order)
        self._entries = [(n, colours[n], grouping.counts[n]) for n in order]
        self.classes = dict(grouping.counts)
        self.legend.clear()
        for name in order:
            pixmap = QPixmap(12, 12)
            pixmap.fill(colours[name])
            item = QListWidgetItem(QIcon(pixmap), f"{name} \u2014 {grouping.counts[name]:,}")
            self.legend.addItem(item)

    # ----- selection -------------------------------------------------------------------------

    def select_rows(self, rows: frozenset[int] | set[int]) -> None:
        """Ring the dots of these sheet rows (the table's selection); no signal."""
        self.selected = frozenset(rows)
        dots = (self.placement.dot(n) for n in rows)
        idx = [i for i in dots if i is not None]
        self.canvas.points_item.set_selected(
            [QPointF(self.canvas.xs[i], self.canvas.ys[i]) for i in idx])

    def _on_picked(self, indexes: object) -> None:
        if not isinstance(indexes, list):
            return
        rows = frozenset(self.rows[i] for i in indexes)
        self.select_rows(rows)
        self.selection_changed.emit(rows)

    def _on_unlocated_picked(self) -> None:
        rows = frozenset(int(i.data(ROW)) for i in self.unlocated.selectedItems()
                         if i.data(ROW) is not None)
        if rows:
            self.selected = rows
            self.selection_changed.emit(rows)

    def _on_colour_chosen(self, _index: int) -> None:
        key = self.colouring()
        if key is not None:
            self.colour_changed.emit(key)

    # ----- image -----------------------------------------------------------------------------

    def image(self) -> QImage:
        """The map as shown (basemap, dots, selection) with its legend in the lower left
        corner, so a saved picture says what its colours mean on its own."""
        image = self.canvas.grab().toImage()
        lines: list[tuple[str, QColor | None]] = [
            (f"Colour: {self.colour_box.currentText() or 'located rows'}", None)]
        lines += [(f"{name} \u2014 {count:,}", colour) for name, colour, count in self._entries]
        missing = self.placement.missing_count
        if missing:
            lines.append((f"{missing:,} row{'s' if missing != 1 else ''} without coordinates "
                          "(not shown)", None))
        _draw_legend(image, lines)
        return image

    def save_image(self, path: Path) -> bool:
        """Write the map as shown to a PNG file (``.png`` is added when missing); False when
        it could not be written."""
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        return bool(self.image().save(str(path)))


def _draw_legend(image: QImage, lines: list[tuple[str, QColor | None]]) -> None:
    """A boxed legend in the lower left corner of ``image``: one line per entry, a colour
    square in front of the classes (the first _LEGEND_LINES of them)."""
    if len(lines) > _LEGEND_LINES + 2:
        lines = [*lines[:_LEGEND_LINES + 1], ("\u2026", None), lines[-1]]
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        step = metrics.height() + 4
        width = max(metrics.horizontalAdvance(text) for text, _ in lines) + 36
        height = step * len(lines) + 12
        box = QRect(10, image.height() - height - 10, width, height)
        painter.setPen(QColor("#8895a5"))
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRoundedRect(box, 4, 4)
        for i, (text, colour) in enumerate(lines):
            top = box.top() + 6 + i * step
            if colour is not None:
                painter.fillRect(box.left() + 10, top + (step - 12) // 2, 12, 12, colour)
            painter.setPen(QColor("#1f2933"))
            painter.drawText(QRect(box.left() + (28 if colour is not None else 10), top,
                                   width, step), Qt.AlignmentFlag.AlignVCenter, text)
    finally:
        painter.end()


def tip_text(row: MapRow) -> str:
    """What hovering a row's dot says: its number, name and address."""
    lines = [f"Row {row.row}"]
    if row.name:
        lines.append(row.name)
    if row.address:
        lines.append(row.address)
    return "\n".join(lines)


def _colour(name: str, index: int) -> QColor:
    if name in OUTCOME_COLOURS:
        return QColor(OUTCOME_COLOURS[name])
    if name == NO_CLASS:
        return QColor("#9e9e9e")
    return QColor(PALETTE[index % len(PALETTE)])
