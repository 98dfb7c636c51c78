"""The run being prepared in the window, without Qt: the open file, its mapping, the sources on
offer and ticked, the plan, whether it talks to the demo server or the real API, and what
still stops it from starting.

The window feeds it what happens (a file read, a mapping edited, sources ticked, a plan back
from the worker, the token found) and asks it what to show and allow; the rules live here, so
they are tested without a QApplication (tests/draft/).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from ping_desktop.api.models import DatasourceConfig
from ping_desktop.intake.model import FIELD_LABELS, ColumnMapping
from ping_desktop.worker.contract import PlanSummary, RepairOffer

APP_TITLE = "Ping Desktop"
#: The sources ticked when the demo's list arrives (the emulator offers them all).
DEMO_SOURCES = ("PG", "PH")
#: Where the offered sources come from: the demo server or the configured API.
Backend = Literal["demo", "api"]

NO_FILE = "Open a file first."
NOT_SIGNED_IN = "Enter your API token first (API token button at the bottom right)."
REFUSED_BY_SERVER = (
    "The server did not accept your API token. Enter a new one (API token button at the "
    "bottom right); your Ping account page shows your current token."
)
NO_SOURCE = "Tick at least one source."
CHECKING = "Checking the rows…"
NOTHING_TO_SEND = "No row has a usable address or coordinates: check the column mapping."
SOURCES_NEED_SIGN_IN = (
    "Enter your API token (button at the bottom right) to see your sources, "
    "or try the demo."
)

# A single-line address can be assembled from its parts by intake.
_SATISFIED_BY: dict[str, tuple[str, ...]] = {"address": ("address", "address_line_1")}


class OpenFile(Protocol):
    """What the draft needs of a read file (the window's ``LoadedFile`` has more)."""

    @property
    def path(self) -> Path:
        """Where the file is."""

    @property
    def is_demo(self) -> bool:
        """Whether it is the bundled sample opened by the demo."""

    @property
    def mapping(self) -> ColumnMapping:
        """The mapping guessed when it was read."""


#: Password stores by the keyring backend's module, in words people know.
_STORE_NAMES = (
    ("macOS", "the macOS Keychain"),
    ("Windows", "Windows Credential Manager"),
    ("SecretService", "the system keyring (GNOME Keyring / Secret Service)"),
    ("kwallet", "KDE Wallet"),
    ("libsecret", "the system keyring (GNOME Keyring / Secret Service)"),
)
NO_STORE = "none found on this computer (the token is kept only until you close the app)"


def readable_store_name(backend: str) -> str:
    """The password store for people, from :meth:`CredentialStore.backend_name`'s class path
    (``keyring.backends.fail.Keyring`` -> "none found ...")."""
    if "session only" in backend or backend.startswith("unavailable") or ".fail." in backend:
        return NO_STORE
    for key, name in _STORE_NAMES:
        if key.lower() in backend.lower():
            return name
    module = backend.split(" ", 1)[0].rsplit(".", 1)[0]
    return f"the password store ({module.rsplit('.', 1)[-1] or backend})"


def field_label(name: str) -> str:
    """A location field's label for people."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def missing_inputs(config: DatasourceConfig, mapped: Iterable[str]) -> list[str]:
    """The required inputs of ``config`` that no mapped field provides."""
    have = set(mapped)
    return [
        attr
        for attr in config.required_attrs
        if not any(f in have for f in _SATISFIED_BY.get(attr, (attr,)))
    ]


def source_blockers(configs: Mapping[str, DatasourceConfig], chosen: Iterable[str],
                    mapped: Iterable[str]) -> list[str]:
    """Plain sentences for each chosen source whose required inputs are not mapped."""
    have = set(mapped)
    out: list[str] = []
    for code in chosen:
        config = configs[code]
        missing = missing_inputs(config, have)
        if missing:
            names = " and ".join(field_label(m) for m in missing)
            out.append(
                f"{config.source_name} ({code}) needs {names}, which your mapping does not "
                f"provide. Choose the column for it in the mapping table, or untick {code}."
            )
    return out


def required_by(configs: Mapping[str, DatasourceConfig], chosen: Iterable[str],
                mapped: Iterable[str]) -> dict[str, list[str]]:
    """Unmapped field -> chosen source codes requiring it (highlighted in the mapping)."""
    have = set(mapped)
    out: dict[str, list[str]] = {}
    for code in chosen:
        for attr in missing_inputs(configs[code], have):
            out.setdefault(attr, []).append(code)
    return out


def backend_of(file: OpenFile | None) -> Backend:
    """Where a file's work goes: the demo's sample to the emulator, anything else to the API."""
    return "demo" if file is not None and file.is_demo else "api"


def sources_to_tick(backend: Backend, last_used: Sequence[str]) -> list[str]:
    """Which sources to tick when ``backend``'s list arrives: the demo's pair, else the last
    ones used for real."""
    return list(DEMO_SOURCES) if backend == "demo" else list(last_used)


def sources_to_remember(backend: Backend, started: Sequence[str],
                        last_used: Sequence[str]) -> list[str] | None:
    """The sources to save as the last used after a start (None: nothing to save; the demo's
    choice is never saved)."""
    if backend == "demo" or list(started) == list(last_used):
        return None
    return list(started)


@dataclass
class Draft:
    """The current file's state and the rules about starting it (one per window)."""

    #: Whether a token is stored for the configured API.
    has_token: bool = False
    #: Whether the configured API refused that token when last asked (cleared when the
    #: sources are fetched again, e.g. after a new token).
    token_rejected: bool = False
    #: Whether the window shows demo labels (the demo's sample is open or being opened).
    demo_mode: bool = False
    file: OpenFile | None = None
    mapping: ColumnMapping | None = None
    #: The sources the account may use, by code, as last listed.
    offered: dict[str, DatasourceConfig] = field(default_factory=dict)
    #: Which backend ``offered`` came from; None while (re)loading or after a token change.
    offered_by: Backend | None = None
    #: The ticked source codes, in list order.
    chosen: tuple[str, ...] = ()
    plan: PlanSummary | None = None
    #: The address repair kinds the user unticked for the open file (a new file starts with
    #: every repair accepted: the decision is about that file's rows).
    declined: frozenset[str] = frozenset()

    # -- what happened ---------------------------------------------------------------------
    def open_file(self, file: OpenFile) -> None:
        """A file was read (or re-read with another sheet/header row): its plan is to come."""
        self.file = file
        self.mapping = file.mapping
        self.plan = None
        self.declined = frozenset()

    def close_file(self) -> None:
        """No file is open any more (closed, started, or lost by the worker)."""
        self.file = None
        self.mapping = None
        self.plan = None
        self.declined = frozenset()

    def set_mapping(self, mapping: ColumnMapping) -> None:
        """The user edited the mapping (the plan stays until the new one arrives)."""
        if self.file is not None:
            self.mapping = mapping

    def set_demo_mode(self, on: bool) -> None:
        """Enter or leave demo mode; leaving it makes the demo's source list stale."""
        self.demo_mode = on
        if not on and self.offered_by == "demo":
            self.offered_by = None

    def forget_sources(self) -> None:
        """The source list must be fetched again (token or server changed, or loading)."""
        self.offered_by = None
        self.token_rejected = False

    def reject_token(self) -> None:
        """The configured API refused the token (401): Start waits for a new one."""
        self.token_rejected = True

    def offer_sources(self, configs: Mapping[str, DatasourceConfig], backend: Backend) -> None:
        """The sources ``backend`` offers arrived."""
        self.offered = dict(configs)
        self.offered_by = backend

    def choose_sources(self, codes: Sequence[str]) -> None:
        """The ticked sources changed."""
        self.chosen = tuple(codes)

    def set_plan(self, plan: PlanSummary) -> None:
        """The worker planned the current file."""
        self.plan = plan

    def set_repair(self, kind: str, accepted: bool) -> bool:
        """The user ticked or unticked a kind of repair; True when that changes what is to be
        sent (the file must be planned again with :attr:`declined`)."""
        declined = self.declined - {kind} if accepted else self.declined | {kind}
        changed = declined != self.declined
        self.declined = declined
        return changed

    def repair_choices(self) -> list[tuple[RepairOffer, bool]]:
        """The repairs the plan proposes, each with whether it is accepted (ticked)."""
        if self.plan is None:
            return []
        return [(offer, offer.kind not in self.declined) for offer in self.plan.repairs]

    # -- what follows ----------------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """Where the open file's work goes (the API when no file is open)."""
        return backend_of(self.file)

    def needs_sources(self) -> bool:
        """Whether the source list must be fetched for the open file's backend."""
        return self.offered_by != self.backend

    @property
    def mapped_fields(self) -> tuple[str, ...]:
        """The location fields the mapping provides."""
        return tuple(self.mapping.fields) if self.mapping is not None else ()

    def required_by(self) -> dict[str, list[str]]:
        """Unmapped field -> ticked sources needing it."""
        return required_by(self.offered, self.chosen, self.mapped_fields)

    def required_inputs(self) -> dict[str, list[str]]:
        """Each ticked source's required inputs (what the plan validates)."""
        return {c: list(cfg.required_attrs) for c in self.chosen
                if (cfg := self.offered.get(c)) is not None}

    def output_fields(self, codes: Sequence[str] | None = None) -> dict[str, list[str]]:
        """Each ticked source's (or each of ``codes``') output fields: the export's columns."""
        return {c: list(cfg.output_fields) for c in (self.chosen if codes is None else codes)
                if (cfg := self.offered.get(c)) is not None}

    def start_blockers(self) -> list[str]:
        """Why Start is not possible right now, in plain words (empty: it is)."""
        if self.file is None:
            return [NO_FILE]
        if not self.file.is_demo and not self.has_token:
            return [NOT_SIGNED_IN]
        if not self.file.is_demo and self.token_rejected:
            return [REFUSED_BY_SERVER]
        if not self.chosen:
            return [NO_SOURCE]
        blockers = source_blockers(self.offered, self.chosen, self.mapped_fields)
        if blockers:
            return blockers
        if (self.plan is None or tuple(self.plan.sources) != self.chosen
                or self.plan.declined != self.declined):
            return [CHECKING]
        if self.plan.unique_locations == 0:
            return [NOTHING_TO_SEND]
        return []

    def start_hint(self) -> str:
        """The line under the Start button: the blockers, or "Ready." and what is skipped."""
        blockers = self.start_blockers()
        if blockers:
            return "\n".join(blockers)
        plan = self.plan
        skipped = plan.rows - plan.sendable_rows if plan else 0
        declined = [offer.label for offer, accepted in self.repair_choices() if not accepted]
        return ("Ready." + (f" {skipped:,} row(s) with errors will be kept but not sent."
                            if skipped else "")
                + (f" Declined, sent as written: {'; '.join(declined)}." if declined else ""))

    def title(self) -> str:
        """The window title: the app, a demo label, the open file's name."""
        parts = [APP_TITLE]
        if self.demo_mode:
            parts.append("Demo data (synthetic)")
        if self.file is not None:
            parts.append(self.file.path.name)
        return " — ".join(parts)
