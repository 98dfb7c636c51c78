"""Synthetic geocodes land at the ZIP's real place, with its real city and county, and a ZIP
that contradicts the address lowers the confidence."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from ping_desktop.emulator import zipref
from ping_desktop.emulator.geocode import geocode
from ping_desktop.resources import SAMPLE_SOV, resource_path


def test_boston_lands_in_suffolk_county_near_its_zip() -> None:
    found = geocode({"address": "100 Summer St, Boston, MA 02110"}, seed=3)
    assert found is not None
    assert (found.city, found.county, found.state, found.postal_code) == (
        "Boston", "Suffolk County", "MA", "02110")
    assert abs(found.lat - 42.3576) < 0.03
    assert abs(found.lon - -71.0514) < 0.03


def test_city_and_state_without_zip_use_the_city() -> None:
    found = geocode({"address_line_1": "9 Main St", "city": "Cambridge", "state": "MA"}, seed=1)
    assert found is not None
    assert found.county == "Middlesex County"
    assert found.postal_code.startswith("021")


def test_a_mismatched_zip_lowers_the_confidence() -> None:
    right = {"address": "77 Massachusetts Ave, Cambridge, MA 02139"}
    wrong_city = {"address": "77 Massachusetts Ave, Springfield, MA 02139"}
    wrong_state = {"address": "77 Massachusetts Ave, Cambridge, TX 02139"}
    for seed in range(20):
        good = geocode(right, seed)
        assert good is not None
        for other in (wrong_city, wrong_state):
            bad = geocode(other, seed)
            assert bad is not None
            assert bad.confidence <= 98 - 25
            assert bad.confidence < good.confidence or good.confidence <= 73


def test_the_street_number_is_not_taken_for_a_zip() -> None:
    found = geocode({"address": "10118 Main St, Austin, TX 78701"}, seed=0)
    assert found is not None
    assert found.postal_code == "78701"
    assert found.county == "Travis County"


def test_every_sample_sov_location_is_in_its_real_county() -> None:
    rows = CalamineWorkbook.from_path(str(resource_path(*SAMPLE_SOV))) \
        .get_sheet_by_name("SOV").to_python()
    header = [str(c) for c in rows[3]]
    street, city, state, zip_ = (header.index(c) for c in ("Street Address", "City", "State",
                                                           "Zip"))
    checked = 0
    for row in rows[4:]:
        if not row[street] or row[zip_] == "":
            continue  # the sample's "address TBD" row: nothing to place
        z = f"{int(float(str(row[zip_]))):05d}"  # the sample keeps Excel's number ZIPs, as SOVs do
        location = {"address_line_1": row[street], "city": row[city], "state": row[state],
                    "postal_code": z}
        found = geocode(location, seed=7)
        real = zipref.by_zip(z)
        assert found is not None
        assert real is not None, f"sample ZIP {z} is not a real ZIP"
        assert found.county == real.county, (row, found)
        assert abs(found.lat - real.lat) < 0.05
        checked += 1
    assert checked >= 30
    assert Path(resource_path(*SAMPLE_SOV)).is_file()
