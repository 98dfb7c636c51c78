"""Regenerates sample-sov.xlsx, the synthetic statement of values used by the demo mode.

Run: ``.venv/bin/python resources/sample/make_sample.py``. Deterministic, so the committed
workbook only changes when this script does. The sheet deliberately carries the quirks real
SOVs have: a title block above the header, split address columns, ZIP codes stored as numbers
(so New England ZIPs lost their leading zero), one location listed twice, and one row whose
address cannot be used.
"""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

OUT = Path(__file__).with_name("sample-sov.xlsx")

# (building name, street, suite, city, state, zip) - plausible commercial addresses.
SITES: list[tuple[str, str, str, str, str, str]] = [
    ("Harbor Point Offices", "100 Summer St", "Suite 1200", "Boston", "MA", "02110"),
    ("Back Bay Retail", "699 Boylston St", "", "Boston", "MA", "02116"),
    ("Cambridge Lab Annex", "300 Binney St", "", "Cambridge", "MA", "02142"),
    ("Providence Warehouse", "55 Dorrance St", "", "Providence", "RI", "02903"),
    ("Hartford Service Center", "280 Trumbull St", "Floor 3", "Hartford", "CT", "06103"),
    ("Stamford Branch", "1 Landmark Sq", "", "Stamford", "CT", "06901"),
    ("Portland Distribution", "2 Portland Fish Pier", "", "Portland", "ME", "04101"),
    ("Burlington Outlet", "150 Dorset St", "", "South Burlington", "VT", "05403"),
    ("Manchester Depot", "900 Elm St", "", "Manchester", "NH", "03101"),
    ("Newark Logistics Hub", "1 Gateway Center", "", "Newark", "NJ", "07102"),
    ("Jersey City Tower", "30 Hudson St", "", "Jersey City", "NJ", "07302"),
    ("Midtown Flagship", "350 5th Ave", "Suite 4100", "New York", "NY", "10118"),
    ("Brooklyn Yard", "63 Flushing Ave", "Bldg 5", "Brooklyn", "NY", "11205"),
    ("Albany Records Center", "99 Washington Ave", "", "Albany", "NY", "12210"),
    ("Philadelphia Plant", "1500 Market St", "", "Philadelphia", "PA", "19102"),
    ("Pittsburgh Works", "600 Grant St", "", "Pittsburgh", "PA", "15219"),
    ("Baltimore Harbor Store", "301 Light St", "", "Baltimore", "MD", "21202"),
    ("DC Regional Office", "1100 New York Ave NW", "Suite 700", "Washington", "DC", "20005"),
    ("Richmond Plant", "901 E Byrd St", "", "Richmond", "VA", "23219"),
    ("Charlotte Operations", "214 N Tryon St", "", "Charlotte", "NC", "28202"),
    ("Raleigh Campus", "150 Fayetteville St", "", "Raleigh", "NC", "27601"),
    ("Charleston Waterfront", "40 Calhoun St", "", "Charleston", "SC", "29401"),
    ("Atlanta Midtown", "1180 Peachtree St NE", "", "Atlanta", "GA", "30309"),
    ("Savannah Port Warehouse", "1 E Bay St", "", "Savannah", "GA", "31401"),
    ("Jacksonville Terminal", "50 N Laura St", "", "Jacksonville", "FL", "32202"),
    ("Orlando Showroom", "200 S Orange Ave", "", "Orlando", "FL", "32801"),
    ("Tampa Bay Center", "100 N Tampa St", "", "Tampa", "FL", "33602"),
    ("Miami Brickell", "1450 Brickell Ave", "Suite 1900", "Miami", "FL", "33131"),
    ("Key West Inn", "500 Duval St", "", "Key West", "FL", "33040"),
    ("New Orleans Depot", "1250 Poydras St", "", "New Orleans", "LA", "70113"),
    ("Houston Energy Plaza", "700 Louisiana St", "", "Houston", "TX", "77002"),
    ("Galveston Storage", "2200 Harborside Dr", "", "Galveston", "TX", "77550"),
    ("Dallas Distribution", "2200 Ross Ave", "", "Dallas", "TX", "75201"),
    ("Austin Tech Office", "500 W 2nd St", "", "Austin", "TX", "78701"),
    ("San Antonio Retail", "849 E Commerce St", "", "San Antonio", "TX", "78205"),
    ("Oklahoma City Yard", "100 N Broadway Ave", "", "Oklahoma City", "OK", "73102"),
    ("Kansas City Works", "1100 Walnut St", "", "Kansas City", "MO", "64106"),
    ("St. Louis Plant", "211 N Broadway", "", "St. Louis", "MO", "63102"),
    ("Chicago Loop Tower", "233 S Wacker Dr", "Floor 56", "Chicago", "IL", "60606"),
    ("Milwaukee Brewery Bldg", "1000 N Water St", "", "Milwaukee", "WI", "53202"),
    ("Minneapolis Office", "80 S 8th St", "", "Minneapolis", "MN", "55402"),
    ("Detroit Assembly", "1 Campus Martius", "", "Detroit", "MI", "48226"),
    ("Columbus Center", "41 S High St", "", "Columbus", "OH", "43215"),
    ("Indianapolis Depot", "111 Monument Cir", "", "Indianapolis", "IN", "46204"),
    ("Nashville Music Row", "1600 Division St", "", "Nashville", "TN", "37203"),
    ("Denver Union Station", "1701 Wynkoop St", "", "Denver", "CO", "80202"),
    ("Salt Lake Warehouse", "222 S Main St", "", "Salt Lake City", "UT", "84101"),
    ("Phoenix Data Center", "2 N Central Ave", "", "Phoenix", "AZ", "85004"),
    ("Las Vegas Showroom", "3600 S Las Vegas Blvd", "", "Las Vegas", "NV", "89109"),
    ("Albuquerque Office", "201 3rd St NW", "", "Albuquerque", "NM", "87102"),
    ("Los Angeles HQ", "633 W 5th St", "Suite 2800", "Los Angeles", "CA", "90071"),
    ("Santa Monica Studio", "2900 31st St", "", "Santa Monica", "CA", "90405"),
    ("San Diego Harbor", "1 Market Pl", "", "San Diego", "CA", "92101"),
    ("San Francisco Office", "101 California St", "", "San Francisco", "CA", "94111"),
    ("Oakland Port Facility", "530 Water St", "", "Oakland", "CA", "94607"),
    ("Sacramento Depot", "621 Capitol Mall", "", "Sacramento", "CA", "95814"),
    ("Portland Pearl Office", "1120 NW Couch St", "", "Portland", "OR", "97209"),
    ("Seattle Waterfront", "1201 3rd Ave", "", "Seattle", "WA", "98101"),
]

CONSTRUCTION = ["Frame", "Joisted Masonry", "Non-Combustible", "Masonry Non-Combustible",
                "Modified Fire Resistive", "Fire Resistive"]
OCCUPANCY = ["Office", "Retail", "Warehouse", "Light Manufacturing", "Restaurant",
             "Hotel", "Data Center", "Laboratory"]
HEADER = ["Loc #", "Location Name", "Street Address", "Suite", "City", "State", "Zip",
          "Country", "Year Built", "# Stories", "Construction", "Occupancy", "Sq Ft",
          "Building Limit", "Contents Limit", "BI Limit"]


def _rows() -> list[list[object]]:
    rng = random.Random(20260101)
    rows: list[list[object]] = []
    for name, street, suite, city, state, zip_code in SITES:
        stories = rng.choice([1, 1, 2, 3, 4, 6, 12, 28])
        area = rng.randrange(8, 400) * 500
        building = round(area * rng.uniform(180, 420), -3)
        # Excel turned the ZIP column into numbers, so 02110 became 2110 (the classic SOV bug).
        zip_cell: object = int(zip_code)
        rows.append([
            len(rows) + 1, name, street, suite or None, city, state, zip_cell, "US",
            rng.randrange(1925, 2022), stories, rng.choice(CONSTRUCTION), rng.choice(OCCUPANCY),
            area, building, round(building * rng.uniform(0.1, 0.4), -3),
            round(building * rng.uniform(0.05, 0.2), -3),
        ])
    # The same building pasted twice (one lookup, two rows in the output).
    twin = list(rows[11])
    twin[0] = len(rows) + 1
    rows.append(twin)
    # An address nobody can geocode: a placeholder the broker never filled in.
    rows.append([len(rows) + 1, "New Acquisition (address TBD)", "TBD", None, None, None, None,
                 "US", None, None, "Unknown", "Office", None, 2_500_000, 250_000, 100_000])
    return rows


def main() -> None:
    """Write the workbook next to this script."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SOV"
    ws.append(["Acme Retail Holdings - Statement of Values"])
    ws.append(["DEMO DATA - synthetic, for trying Ping Desktop. Valuation date 2026-01-01."])
    ws.append([])
    ws.append(HEADER)
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for row in _rows():
        ws.append(row)
    for col, width in zip("ABCDEFGHIJKLMNOP", [6, 30, 24, 11, 17, 6, 8, 8, 10, 9, 24, 20, 9,
                                                 15, 15, 12], strict=True):
        ws.column_dimensions[col].width = width
    notes = wb.create_sheet("Notes")
    notes.append(["This workbook is synthetic demo data generated for Ping Desktop."])
    notes.append(["Results produced from it by the built-in emulator are synthetic too."])
    wb.properties.creator = "Ping Desktop demo"
    # Fixed timestamps so regenerating gives the same bytes.
    import datetime as _dt
    stamp = _dt.datetime(2026, 1, 1, 0, 0, 0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(OUT)
    print(f"wrote {OUT} ({ws.max_row - 4} data rows)")


if __name__ == "__main__":
    main()
