"""Regenerate us_zips.tsv.gz from the ``zipcodes`` package (MIT; USPS/Census derived data).

    .venv/bin/pip install zipcodes && .venv/bin/python resources/reference/build_us_zips.py

The app reads the compact table this writes instead of ``zipcodes`` itself: loading the
package's whole list builds 42,000 dicts (0.7 s, ~150 MB peak) and each ``matching()`` call
scans the list (0.35 ms), too slow for 100,000-row sheets with many distinct ZIPs. The table
loads in a few tens of milliseconds and a few MB.

Columns (tab-separated, one ZIP a line, sorted): zip, type (STANDARD, PO BOX, UNIQUE,
MILITARY), city, state, county, latitude, longitude, other acceptable city names ("|").
"""

from __future__ import annotations

import gzip
from pathlib import Path

import zipcodes  # type: ignore[import-not-found,unused-ignore]

OUT = Path(__file__).resolve().parent / "us_zips.tsv.gz"


def main() -> None:
    """Write the table; prints how many ZIPs went in."""
    lines = []
    for z in sorted(zipcodes.list_all(), key=lambda z: z["zip_code"]):
        if not z.get("active", True):
            continue
        cells = [
            z["zip_code"], z["zip_code_type"], z["city"], z["state"], z["county"] or "",
            z["lat"] or "", z["long"] or "", "|".join(z.get("acceptable_cities") or []),
        ]
        lines.append("\t".join(c.replace("\t", " ") for c in cells))
    header = f"# zipcodes {zipcodes.__version__}\n"
    # mtime=0: the same input gives a byte-identical file (no spurious git changes).
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write((header + "\n".join(lines) + "\n").encode("utf-8"))
    print(f"{len(lines)} ZIPs -> {OUT}")


if __name__ == "__main__":
    main()
