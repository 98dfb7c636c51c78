"""The source picker: every datasource the account may use (from GET /datasources), what each
needs, the cost line, and plain explanations when a chosen source's inputs are not mapped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ping_desktop.api.models import DatasourceConfig
from ping_desktop.draft import field_label, missing_inputs, source_blockers

CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def coverage_text(config: DatasourceConfig) -> str:
    """Where a source works, in a few words."""
    parts: list[str] = []
    if config.supported_countries:
        countries = list(config.supported_countries)
        parts.append(", ".join(countries[:6]) + (" …" if len(countries) > 6 else ""))
    else:
        parts.append("worldwide")
    if config.supported_us_states:
        states = config.supported_us_states
        parts.append(", ".join(states) if len(states) <= 3 else f"{len(states)} US states")
    if config.excluded_us_states:
        parts.append("not " + ", ".join(config.excluded_us_states))
    return "; ".join(parts)


class SourcesPanel(QWidget):
    """Checkable sources, the explanation of unmet requirements, and the cost line."""

    selection_changed = Signal(list)  # list[str] of codes, in list order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._configs: dict[str, DatasourceConfig] = {}
        self._mapped: set[str] = set()
        self.status = QLabel("Sources appear here once the file is read.")
        self.status.setObjectName("sourcesStatus")
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("sourcesList")
        self.list.setAccessibleName("Data sources to add to your rows")
        self.list.setWordWrap(True)
        # Room between sources, item heights recomputed when the width changes, and scrolling
        # by pixel so the last (two- or three-line) entry can be scrolled fully into view.
        self.list.setSpacing(3)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.itemChanged.connect(self._item_changed)
        self.explanation = QLabel()
        self.explanation.setObjectName("sourcesExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setVisible(False)
        self.cost_label = QLabel("Choose at least one source.")
        self.cost_label.setObjectName("costLabel")
        self.cost_label.setAccessibleName("Cost")
        self.cost_label.setWordWrap(True)
        font = self.cost_label.font()
        font.setBold(True)
        self.cost_label.setFont(font)

        box = QGroupBox("S&ources")
        inner = QVBoxLayout(box)
        inner.addWidget(self.status)
        inner.addWidget(self.list, 1)
        inner.addWidget(self.explanation)
        inner.addWidget(self.cost_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)

    # -- filling --------------------------------------------------------------------------------
    def set_loading(self, text: str) -> None:
        """Say what is happening while the list is fetched (or why it is empty)."""
        self.status.setText(text)
        self.status.setVisible(True)

    def set_sources(self, configs: Mapping[str, DatasourceConfig], chosen: Sequence[str]) -> None:
        """Fill the list; ``chosen`` (the last choice) are ticked if still offered."""
        self._configs = dict(configs)
        self.list.blockSignals(True)
        self.list.clear()
        for code in self._configs:
            item = QListWidgetItem()
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setData(CODE_ROLE, code)
            item.setCheckState(
                Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.status.setText(f"{len(self._configs)} sources available to your account.")
        self._refresh_items()
        self.selection_changed.emit(self.selected())

    def set_mapped_fields(self, mapped: Iterable[str]) -> None:
        """The fields the current mapping provides; used to explain unmet requirements."""
        self._mapped = set(mapped)
        self._refresh_items()

    def set_cost(self, unique_locations: int, rows: int) -> None:
        """Show "N unique locations × M sources = K lookups"."""
        sources = len(self.selected())
        if not sources:
            self.cost_label.setText("Choose at least one source.")
            return
        noun = "source" if sources == 1 else "sources"
        self.cost_label.setText(
            f"{unique_locations:,} unique locations × {sources} {noun} = "
            f"{unique_locations * sources:,} lookups"
            + (f" (from {rows:,} rows)" if rows != unique_locations else "")
        )

    # -- reading --------------------------------------------------------------------------------
    def selected(self) -> list[str]:
        """Ticked source codes, in list order."""
        return [
            str(self.list.item(i).data(CODE_ROLE))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_selected(self, codes: Iterable[str]) -> None:
        """Tick exactly ``codes``."""
        wanted = set(codes)
        for i in range(self.list.count()):
            item = self.list.item(i)
            state = Qt.CheckState.Checked if item.data(CODE_ROLE) in wanted else (
                Qt.CheckState.Unchecked
            )
            item.setCheckState(state)

    def config(self, code: str) -> DatasourceConfig | None:
        """The configuration of one listed source."""
        return self._configs.get(code)

    def configs(self) -> dict[str, DatasourceConfig]:
        """Every listed source."""
        return dict(self._configs)

    def blockers(self) -> list[str]:
        """Plain sentences for each ticked source whose required inputs are not mapped."""
        return source_blockers(self._configs, self.selected(), self._mapped)

    # -- internals ------------------------------------------------------------------------------
    def _item_changed(self, _item: QListWidgetItem) -> None:
        self._refresh_items()
        self.selection_changed.emit(self.selected())

    def _refresh_items(self) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            config = self._configs[str(item.data(CODE_ROLE))]
            needs = (
                ", ".join(field_label(a) for a in config.required_attrs)
                or "an address or coordinates"
            )
            missing = missing_inputs(config, self._mapped)
            lines = [
                f"{config.source_name} ({config.source_code})",
                f"Coverage: {coverage_text(config)} · Needs: {needs}",
            ]
            if missing:
                lines.append("⚠ Not mapped: " + ", ".join(field_label(m) for m in missing))
            item.setText("\n".join(lines))
            item.setToolTip(
                "\n".join(lines)
                + (
                    "\nAlso uses: " + ", ".join(field_label(a) for a in config.optional_attrs)
                    if config.optional_attrs
                    else ""
                )
            )
        self.list.blockSignals(False)
        blockers = self.blockers()
        self.explanation.setText("\n".join("⚠ " + b for b in blockers))
        self.explanation.setVisible(bool(blockers))
