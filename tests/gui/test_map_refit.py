"""The map reloaded for the same run (its end while it was watched) keeps the view when every
dot is in sight; another run, or dots out of sight, are zoomed to fit."""

from __future__ import annotations

from typing import Any

from ping_desktop.gui.map_view import MapView
from ping_desktop.storage.run_map import MapRow
from ping_desktop.worker.map_points import MapPoints, lay_out_points


def _points(run_id: int, spots: list[tuple[float, float]]) -> MapPoints:
    return lay_out_points(run_id, [MapRow(n + 2, lon, lat, f"n{n}", "")
                                   for n, (lon, lat) in enumerate(spots)])


def test_the_same_runs_reload_keeps_the_view_another_run_is_fitted(qtbot: Any) -> None:
    view = MapView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    canvas = view.canvas
    wide = [(-120.0, 45.0), (-75.0, 30.0)]
    view.set_rows(_points(5, wide), [])
    fitted = canvas.transform().m11()
    canvas.zoom(0.8)  # the user zooms out while the run goes on
    zoomed = canvas.transform().m11()
    assert zoomed != fitted
    # The run ends: more dots, all in sight: the view stays as the user left it.
    view.set_rows(_points(5, [*wide, (-100.0, 40.0), (-90.0, 35.0)]), [])
    assert canvas.transform().m11() == zoomed
    assert len(view.placement) == 4  # the new dots are shown all the same
    # A dot out of sight: zoomed to fit every dot.
    view.set_rows(_points(5, [*wide, (10.0, 50.0)]), [])
    assert canvas.transform().m11() != zoomed
    assert canvas.shows(view.placement.bounds)
    # Another run is always fitted, even with its dots in sight.
    canvas.zoom(0.5)
    zoomed = canvas.transform().m11()
    view.set_rows(_points(6, wide), [])
    assert canvas.transform().m11() != zoomed
    assert canvas.shows(view.placement.bounds)
