"""The review's Summary tab: rows per outcome, geocoding quality and each source's classes as
bar charts (QtCharts), with total insured value per class; clicking a bar asks for its rows.
From the keyboard: Tab to a chart, Up/Down (or Left/Right, Home/End) pick a bar, Enter or Space
act as a click.

QtCharts over pyqtgraph: it comes with Qt (about 1 MB compressed for QtCharts and its OpenGL
libraries, versus numpy's tens of MB for pyqtgraph) and draws these few dozen bars instantly.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFocusEvent, QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from ping_desktop.gui.staged_work import StagedWork
from ping_desktop.storage.run_summary import Bar, BarKey, Chart, RunSummary

_BAR_HEIGHT = 26
#: Narrower than this, "low confidence ($1.2M)" no longer fits beside its bar.
_MIN_CHART_WIDTH = 420
_COLOURS = {"located": "#2e7d32", "90\u2013100": "#6a1b9a"}
#: The bar picked from the keyboard (while the chart has focus).
_PICKED = "#ff8f00"


def short_money(value: float | None) -> str:
    """$1.2M, $350K, $900: insured value on a chart's axis."""
    if value is None:
        return ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            return f"${value / limit:.1f}{suffix}"
    return f"${value:,.0f}"


def bar_text(bar: Bar, with_tiv: bool) -> str:
    """A bar's axis label: its class, and its insured value when the sheet has values."""
    return f"{bar.label}  ({short_money(bar.tiv or 0.0)})" if with_tiv else bar.label


class BarChart(QChartView):
    """One horizontal bar chart; ``bar_clicked(BarKey)`` when a bar is clicked."""

    bar_clicked = Signal(object)
    #: The chart got the keyboard focus (its owner scrolls it into view).
    focused = Signal()

    def __init__(self, chart: Chart, with_tiv: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.current = 0  # the bar picked from the keyboard, top to bottom as shown
        self.source_chart = chart
        self.setObjectName("summaryChart")
        self.setAccessibleName(chart.title)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Bottom-up in a horizontal series: reversed so the first bar reads first.
        bars = list(reversed(chart.bars))
        series = QHorizontalBarSeries()
        bar_set = QBarSet("Rows")
        bar_set.append([float(b.rows) for b in bars])
        # Outcome charts in green (located is their first bar), classes in blue.
        bar_set.setColor(QColor(_COLOURS.get(chart.bars[0].label if chart.bars else "",
                                             "#1565c0")))
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        view = QChart()
        view.setTitle(chart.title)
        view.addSeries(series)
        view.legend().hide()
        view.setMargins(QMargins(4, 4, 4, 4))
        view.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        categories = QBarCategoryAxis()
        categories.append([bar_text(b, with_tiv) for b in bars])
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, max([b.rows for b in bars] + [1]) * 1.15)
        values.applyNiceNumbers()  # ticks at 0, 10, 20... rather than 0, 16, 33
        view.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        view.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.setChart(view)
        self._bars = bars
        self.bar_set = bar_set
        bar_set.setSelectedColor(QColor(_PICKED))
        bar_set.clicked.connect(self._on_clicked)
        bar_set.hovered.connect(self._on_hovered)
        self._with_tiv = with_tiv
        self.setMinimumHeight(90 + _BAR_HEIGHT * max(len(bars), 1))
        self.setToolTip("Click a bar (or Tab here, pick one with the arrow keys and press Enter) "
                        "to show its rows in the table")

    def bar_keys(self) -> list[BarKey]:
        """The bars' keys, top to bottom as shown."""
        return [b.key for b in reversed(self._bars)]

    def click(self, key: BarKey) -> None:
        """Act as if the bar of ``key`` was clicked (keyboard access, tests)."""
        self.bar_clicked.emit(key)

    # ----- keyboard ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up/Down, Left/Right, Home/End pick a bar; Enter or Space click it."""
        key, count = Qt.Key(event.key()), len(self._bars)
        moves = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1,
                 Qt.Key.Key_Right: 1, Qt.Key.Key_Home: -count, Qt.Key.Key_End: count}
        if count and key in moves:
            self.pick(self.current + moves[key])
        elif count and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.click(self.bar_keys()[self.current])
        else:
            super().keyPressEvent(event)

    def pick(self, shown_index: int) -> None:
        """Mark bar ``shown_index`` (top to bottom, clamped) as the keyboard's, and say what
        it holds (the text a screen reader reads, also shown as a tooltip)."""
        if not self._bars:
            return
        self.current = max(0, min(shown_index, len(self._bars) - 1))
        index = len(self._bars) - 1 - self.current  # QtCharts counts bottom-up
        self.bar_set.deselectAllBars()
        self.bar_set.selectBar(index)
        tip = self.bar_tip(index)
        self.setAccessibleDescription(tip)
        if self.hasFocus():
            rect = self.rect()
            QToolTip.showText(self.mapToGlobal(rect.center()), tip, self)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Show which bar Enter would click."""
        super().focusInEvent(event)
        self.pick(self.current)
        self.focused.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """The mark is for the keyboard: gone with the focus."""
        super().focusOutEvent(event)
        self.bar_set.deselectAllBars()
        QToolTip.hideText()

    def bar_tip(self, index: int) -> str:
        """What hovering bar ``index`` (bottom-up, as QtCharts counts) says."""
        bar = self._bars[index]
        text = f"{bar.label}: {bar.rows:,} row{'s' if bar.rows != 1 else ''}"
        if self._with_tiv:
            text += f", {bar.tiv or 0:,.0f} total insured value"
        return text + "\nClick to show these rows in the table"

    def _on_hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self._bars):
            QToolTip.showText(QCursor.pos(), self.bar_tip(index), self)
        else:
            QToolTip.hideText()

    def _on_clicked(self, index: int) -> None:
        if 0 <= index < len(self._bars):
            self.bar_clicked.emit(self._bars[index].key)


class SummaryView(QWidget):
    """Counts, match rates and charts of one run; ``bar_clicked(BarKey)`` follows bar clicks."""

    bar_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryView")
        self.heading = QLabel("Open a run to see its summary.", self)
        self.heading.setObjectName("summaryHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._inner)
        self._scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        self.charts: list[BarChart] = []
        #: The summary shown, set once every chart of it is made.
        self.summary: RunSummary | None = None
        self._arranged = 0  # columns the charts are laid out in
        # A chart at a time, one per event-loop turn: a run's eight or so charts made and laid
        # out at once kept the window from answering for 60-80 ms.
        self._staged = StagedWork(self)

    def clear(self, message: str) -> None:
        """No charts; ``message`` instead (loading, failed)."""
        self._staged.cancel()
        for chart in self.charts:
            self._grid.removeWidget(chart)
            chart.deleteLater()
        self.charts = []
        self.summary = None
        self.heading.setText(message)

    def show_summary(self, summary: RunSummary) -> None:
        """Draw ``summary``: a heading of plain numbers, then one chart per group, made one
        per event-loop turn (:attr:`summary` is set when the last one is)."""
        self.clear("")
        lines = [f"<b>{summary.rows:,} rows.</b>"]
        for chart in summary.outcomes:
            parts = ", ".join(f"{b.rows:,} {b.label}" for b in chart.bars)
            rate = summary.match_rates.get(chart.source)
            located = f" \u2014 match rate {rate:.0%}" if rate is not None else ""
            lines.append(f"{chart.source}: {parts}{located}")
        if summary.has_tiv:
            lines.append("Bars show total insured value per class in brackets.")
        lines.append("Click a bar to show its rows in the table.")
        self.heading.setText("<br>".join(lines))
        groups = [*summary.outcomes, *summary.geocoding, *summary.fields]
        self._arranged = self.columns()
        steps = [partial(self._add_chart, chart, summary.has_tiv) for chart in groups]
        steps.append(partial(self._shown, summary))
        self._staged.start(steps)

    def _add_chart(self, chart: Chart, with_tiv: bool) -> None:
        view = BarChart(chart, with_tiv, self._inner)
        view.bar_clicked.connect(self.bar_clicked)
        view.focused.connect(lambda v=view: self._scroll.ensureWidgetVisible(v))
        i, columns = len(self.charts), self._arranged
        self.charts.append(view)
        self._grid.addWidget(view, i // columns, i % columns)

    def _shown(self, summary: RunSummary) -> None:
        self.summary = summary
        self._arrange()  # in more or fewer columns if the width changed meanwhile

    def columns(self) -> int:
        """Charts side by side: two when there is room for their labels, else one."""
        return 2 if self.width() >= 2 * _MIN_CHART_WIDTH + 40 else 1  # 40: scroll bar, margins

    def _arrange(self, force: bool = False) -> None:
        columns = self.columns()
        if columns == self._arranged and not force:
            return
        self._arranged = columns
        for chart in self.charts:
            self._grid.removeWidget(chart)
        for i, chart in enumerate(self.charts):
            self._grid.addWidget(chart, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """One column when narrow, so the bars' labels are not cut short."""
        super().resizeEvent(event)
        self._arrange()

    def chart(self, title: str) -> BarChart | None:
        """The chart titled ``title``, if shown."""
        return next((c for c in self.charts if c.source_chart.title == title), None)
