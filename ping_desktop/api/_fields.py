"""A small declarative reader for the response models: each field names its converter once.

A model is a frozen dataclass that inherits :class:`JsonModel` and declares each JSON-backed
field as ``Annotated[type, converter]`` (aliases below for the common ones);
``Model.from_json(data)`` then reads every such field from the JSON key of the same name
through its converter (see ``_coerce``), ignoring unknown keys and treating missing keys as
null. Fields without a converter are not read from JSON (the caller passes them). A model
that names ``json_what`` must be given a JSON object (else a plain ``ValueError`` naming it);
the others read anything that is not an object as ``{}``.

Why our own and not msgspec/pydantic/cattrs: the API's documentation and examples disagree
(a number as text, a single object for a list, ``"many"`` for a count), and the models must
turn each odd value into an empty one, field by field, instead of rejecting the whole answer.
The libraries' fast paths validate strictly, so leniency would go back into Python converters
and most of their speed with it; status bodies take ~30 µs each here, far below one HTTP
round trip, and the installer stays free of another compiled wheel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self, get_origin, get_type_hints

from ping_desktop.api._coerce import (
    as_mapping,
    as_object_list,
    opt_datetime,
    opt_float,
    opt_int,
    opt_str,
    opt_str_tuple,
    str_tuple,
)

Converter = Callable[[Any], Any]


def text(value: Any) -> str:
    """A string, with "" for null/absent (fields the models always have)."""
    return opt_str(value) or ""


# The field types the models share: the converter rides in the annotation.
Text = Annotated[str, text]
OptStr = Annotated[str | None, opt_str]
OptInt = Annotated[int | None, opt_int]
OptFloat = Annotated[float | None, opt_float]
OptTime = Annotated[datetime | None, opt_datetime]
Strs = Annotated[tuple[str, ...], str_tuple]
OptStrs = Annotated[tuple[str, ...] | None, opt_str_tuple]

_SPECS: dict[type, tuple[tuple[str, Converter], ...]] = {}


def require_object(data: Any, what: str) -> Mapping[str, Any]:
    """``data`` if it is a JSON object; otherwise a ValueError naming ``what`` was expected."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise ValueError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def _spec(cls: type) -> tuple[tuple[str, Converter], ...]:
    spec = _SPECS.get(cls)
    if spec is None:
        # Resolved on first use, when every model the annotations name exists.
        hints = get_type_hints(cls, include_extras=True)
        spec = tuple(
            (f.name, hints[f.name].__metadata__[0])
            for f in dataclasses.fields(cls)
            if get_origin(hints[f.name]) is Annotated
        )
        _SPECS[cls] = spec
    return spec


def read_fields(cls: type, data: Any, what: str | None = None) -> dict[str, Any]:
    """The constructor arguments of ``cls`` read from ``data`` (see the module docstring)."""
    get = (require_object(data, what) if what is not None else as_mapping(data)).get
    return {name: convert(get(name)) for name, convert in _spec(cls)}


class JsonModel:
    """Base of the response models: ``from_json`` built from the ``Annotated`` converters."""

    #: When set, ``from_json`` demands a JSON object and names this in its error.
    json_what: ClassVar[str | None] = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse ``data`` leniently (unknown keys ignored, missing keys read as null)."""
        return cls(**read_fields(cls, data, cls.json_what))


def tuple_of(convert: Converter) -> Converter:
    """A converter for a list of objects (a single object counts as a one-item list)."""

    def read(value: Any) -> tuple[Any, ...]:
        return tuple(map(convert, as_object_list(value)))

    return read


def optional_object(convert: Converter) -> Converter:
    """A converter that gives None unless the value is a JSON object."""

    def read(value: Any) -> Any:
        return convert(value) if type(value) is dict or isinstance(value, Mapping) else None

    return read
