"""Issue 11, finding 9: plain words. No "built-in emulator", settings explain themselves and
name each server distinctly, the detail pane keeps the server's fetch fields behind *Technical
details*, result titles use source names, money follows the user's locale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLabel

from ping_desktop.gui import result_words
from ping_desktop.gui.result_words import format_money, remember_source_names
from ping_desktop.gui.results_view import ResultsView
from tests.gui.helpers import jobs, wait_loaded

TECHNICAL = ("worker name", "is cache hit", "persist for", "status code")


@pytest.fixture
def names() -> Iterator[None]:
    saved = dict(result_words._SOURCE_NAMES)
    yield
    result_words._SOURCE_NAMES.clear()
    result_words._SOURCE_NAMES.update(saved)


@pytest.fixture
def locale() -> Iterator[None]:
    saved = QLocale()
    yield
    QLocale.setDefault(saved)


def test_demo_run_reads_in_plain_words(qtbot: Any, make_window: Any, names: None) -> None:
    window = make_window()
    window.start_demo()
    wait_loaded(qtbot, window)
    texts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    texts += [window.server.api_label.text(), window.welcome.demo_text.text()]
    assert not [t for t in texts if "emulator" in t.lower()], texts
    assert "demo server" in window.server.api_label.text()

    qtbot.waitUntil(window.start_button.isEnabled, timeout=10_000)
    window.start_button.click()
    qtbot.waitUntil(lambda: bool(jobs(window)) and all(j.phase.is_final for j in jobs(window)),
                    timeout=30_000)
    view = ResultsView()
    qtbot.addWidget(view)
    view.show()
    view.resize(1024, 500)
    view.load_run(window.services.run_store, jobs(window)[0].run_id, 50)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=5000)

    titles = [str(view.model.headerData(c, Qt.Orientation.Horizontal))
              for c in range(view.model.columnCount())]
    assert not [t for t in titles if t.startswith(("PG ", "PH "))], titles
    assert view.model.headerData(len(titles) - 1, Qt.Orientation.Horizontal,
                                 Qt.ItemDataRole.ToolTipRole).startswith("Source code: ")

    view.resize(660, 450)  # its width in History at 1024x640
    qtbot.wait(50)
    assert view.search.width() >= 150  # was squeezed to "Sear…"
    assert view.technical.isVisible()
    view.table.selectRow(0)
    plain = view.detail_text()
    assert "✓ OK" in plain or "Failed" in plain
    assert not [name for name in TECHNICAL if f"{name}:" in plain], plain
    assert "Technical details" not in plain
    view.technical.setChecked(True)
    full = view.detail_text()
    assert "Technical details" in full
    assert [name for name in TECHNICAL if f"{name}:" in full] == list(TECHNICAL)
    assert "· PG" in full  # the source's name beside its code


def test_settings_explain_and_name_every_server(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.dialogs.open_settings_dialog()
    dialog = window.dialogs.settings_dialog
    servers = [dialog.environment.itemText(i) for i in range(dialog.environment.count())]
    assert not [s for s in servers if s.startswith("Production")], servers
    firsts = [s.split(" — ")[0] for s in servers]
    assert len(set(firsts)) == len(firsts), firsts
    for key in ("locations", "jobs"):
        help_label = dialog.findChild(QLabel, f"settingsHelp_{key}")
        assert help_label is not None
        assert help_label.isVisible()
        assert help_label.wordWrap()
        assert "request" in help_label.text()
    dialog.reject()


def test_money_follows_the_locale(locale: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert format_money("replacement_value", 1250000.5) == "1,250,000.50"
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert format_money("tiv", 1250000.5) == "1.250.000,50"
    assert format_money("year_built", 1999) is None  # not money: left as typed
    assert format_money("tiv", "n/a") is None


def test_result_titles_use_source_names(names: None) -> None:
    remember_source_names({"PG": "Geocoding"})
    assert result_words.column_title("PG status", "PG") == "Geocoding: status"
    assert result_words.column_title("PX status", "PX") == "PX status"  # unknown: the code
    assert result_words.source_label("PG") == "Geocoding · PG"
