"""Named mapping templates, reapplied to files with the same headers (SOVs repeat layouts)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ping_desktop.intake.model import ColumnMapping, SheetTable

_VERSION = 1


def columns_signature(columns: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The header set, order and case ignored: a template fits any file with these headers."""
    return tuple(sorted({" ".join(c.casefold().split()) for c in columns}))


@dataclass(frozen=True)
class MappingTemplate:
    """A saved mapping and the header set it was made for."""

    name: str
    columns_signature: tuple[str, ...]
    mapping: ColumnMapping


class TemplateStore:
    """Templates in one JSON file, written atomically (temp file + rename)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _load(self) -> dict[str, MappingTemplate]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged file must not block reading spreadsheets; it is replaced on next save.
            return {}
        out: dict[str, MappingTemplate] = {}
        items = data.get("templates", []) if isinstance(data, dict) else []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            sig = item.get("columns_signature", [])
            mapping = item.get("mapping", {})
            out[item["name"]] = MappingTemplate(
                item["name"],
                tuple(str(s) for s in sig) if isinstance(sig, list) else (),
                ColumnMapping.from_dict(mapping if isinstance(mapping, dict) else {}),
            )
        return out

    def _write(self, templates: dict[str, MappingTemplate]) -> None:
        payload: dict[str, Any] = {
            "version": _VERSION,
            "templates": [
                {"name": t.name, "columns_signature": list(t.columns_signature),
                 "mapping": t.mapping.to_dict()}
                for t in templates.values()
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".templates-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=2, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def save(self, name: str, table: SheetTable, mapping: ColumnMapping) -> MappingTemplate:
        """Save (or replace) a template named ``name`` for this table's headers."""
        name = name.strip()
        if not name:
            raise ValueError("a template needs a name")
        templates = self._load()
        template = MappingTemplate(name, columns_signature(table.columns), ColumnMapping(
            dict(mapping.fields), {f: 1.0 for f in mapping.fields}))
        templates[name] = template
        self._write(templates)
        return template

    def list(self) -> list[MappingTemplate]:
        """All templates, by name."""
        return sorted(self._load().values(), key=lambda t: t.name.casefold())

    def find_for(self, table: SheetTable) -> MappingTemplate | None:
        """The most recently saved template made for the same header set, if any."""
        sig = columns_signature(table.columns)
        matches = [t for t in self._load().values() if t.columns_signature == sig]
        if not matches:
            return None
        template = matches[-1]
        # Headers may differ in case or spacing: map onto this table's own spelling.
        spelled = {" ".join(c.casefold().split()): c for c in table.columns}
        fields = {f: spelled.get(" ".join(c.casefold().split()), c)
                  for f, c in template.mapping.fields.items()}
        return MappingTemplate(template.name, sig, ColumnMapping(fields, dict(
            template.mapping.confidence)))

    def delete(self, name: str) -> bool:
        """Remove a template; False when there was none by that name."""
        templates = self._load()
        if name not in templates:
            return False
        del templates[name]
        self._write(templates)
        return True
