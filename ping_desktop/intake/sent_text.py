"""The address a location payload sends, as one line of text.

The export's *Address sent* and *Corrected* columns and the review's "it will be sent as" all
show it; one rule, kept beside the payloads it reads (:mod:`ping_desktop.intake.plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_PARTS = ("address_line_1", "address_line_2", "city", "state", "postal_code", "country")


def sent_text(payload: Mapping[str, Any] | None) -> str | None:
    """The address a location was (or will be) sent with: its one-line address, else its
    parts joined, else its coordinates ("42.3601, -71.0589"); None when nothing is sent."""
    if not payload:
        return None
    line = payload.get("address")
    if isinstance(line, str) and line:
        return line
    parts = [str(payload[k]) for k in _PARTS if payload.get(k) not in (None, "")]
    if parts:
        return ", ".join(parts)
    lat, lon = payload.get("latitude"), payload.get("longitude")
    if lat is not None and lon is not None:
        return f"{lat}, {lon}"
    return None
