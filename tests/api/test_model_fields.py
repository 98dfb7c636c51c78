"""The declarative reader behind the response models (api._fields) and its lenient converters."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any

import pytest

from ping_desktop.api._coerce import as_mapping, as_object_list, opt_float, opt_int, opt_str
from ping_desktop.api._fields import (
    JsonModel,
    OptInt,
    OptStr,
    Strs,
    Text,
    optional_object,
    read_fields,
    tuple_of,
)
from ping_desktop.api.models import (
    DatasourceConfig,
    EnhanceResult,
    JobRequest,
    JobState,
    JobStatus,
    OutputField,
    StartedJob,
    UsageReport,
    parse_datasource_list,
    parse_output_fields,
)


@dataclass(frozen=True)
class Part(JsonModel):
    label: Text
    size: OptInt = None


@dataclass(frozen=True)
class Thing(JsonModel):
    json_what = "thing"

    name: Text
    note: OptStr = None
    tags: Strs = ()
    parts: Annotated[tuple[Part, ...], tuple_of(Part.from_json)] = ()
    main: Annotated[Part | None, optional_object(Part.from_json)] = None
    local: int = field(default=7)  # no converter: never read from JSON


def test_unknown_keys_are_ignored() -> None:
    thing = Thing.from_json({"name": "a", "surprise": [1, 2], "local": 99})
    assert thing == Thing(name="a")
    assert thing.local == 7


def test_missing_optional_keys_take_the_empty_value() -> None:
    thing = Thing.from_json({})
    assert (thing.name, thing.note, thing.tags, thing.parts, thing.main) == ("", None, (), (), None)


def test_wrong_types_become_empty_values() -> None:
    thing = Thing.from_json(
        {"name": {"x": 1}, "note": 12, "tags": "solo", "parts": {"label": "p", "size": "3"},
         "main": ["not", "an", "object"]}
    )  # fmt: skip
    assert thing.name == ""
    assert thing.note == "12"
    assert thing.tags == ("solo",)
    assert thing.parts == (Part("p", 3),)
    assert thing.main is None


def test_nested_lists_keep_only_objects() -> None:
    thing = Thing.from_json({"parts": [{"label": "a"}, 5, None, {"label": "b", "size": True}]})
    assert thing.parts == (Part("a"), Part("b", None))


def test_a_model_with_json_what_demands_an_object() -> None:
    with pytest.raises(ValueError, match=r"^thing: expected a JSON object, got list$"):
        Thing.from_json([1])
    # A model without json_what (a nested part) reads a non-object as {}.
    assert Part.from_json("junk") == Part("")


def test_read_fields_returns_constructor_arguments() -> None:
    assert read_fields(Part, {"label": "x", "size": 2.0, "other": 1}) == {"label": "x", "size": 2}
    assert read_fields(Part, None) == {"label": "", "size": None}


@pytest.mark.parametrize(
    ("parse", "what"),
    [
        (lambda d: JobStatus.from_json(d, "j"), "job status"),
        (StartedJob.from_json, "start job"),
        (DatasourceConfig.from_json, "datasource config"),
        (parse_datasource_list, "datasource list"),
        (UsageReport.from_json, "usage"),
        (EnhanceResult.from_json, "enhance"),
    ],
)
def test_top_level_models_keep_their_error_messages(parse: Any, what: str) -> None:
    for bad in (["a"], "text", 3, None):
        with pytest.raises(ValueError, match="expected a JSON object") as caught:
            parse(bad)
        assert str(caught.value) == f"{what}: expected a JSON object, got {type(bad).__name__}"


def test_nested_models_are_lenient() -> None:
    assert JobRequest.from_json("x").status is JobState.UNKNOWN
    assert JobRequest.from_json({"status": 5}).status is JobState.UNKNOWN


def test_output_field_name_comes_from_its_key() -> None:
    fields = parse_output_fields({"lat": "float", "geo": {"type": "object", "name": "ignored"}})
    assert fields["lat"] == OutputField(name="lat", type="float")
    assert fields["geo"].name == "geo"
    assert fields["geo"].type == "object"


def test_converters_accept_any_mapping_not_only_dict() -> None:
    proxy = MappingProxyType({"label": "m", "size": 1})
    assert as_mapping(proxy) is proxy
    assert as_object_list([proxy, 1]) == [proxy]
    assert Part.from_json(proxy) == Part("m", 1)
    status = JobStatus.from_json(MappingProxyType({"request": proxy, "result": proxy}), "j")
    assert status.result is not None


def test_fast_paths_keep_the_lenient_rules() -> None:
    assert opt_int(True) is None
    assert opt_int(4) == 4
    assert opt_int(" 5 ") == 5
    assert opt_float(math.nan) is None
    assert opt_float(math.inf) is None
    assert opt_float(2) == 2.0
    assert opt_str(False) == "false"
    assert opt_str("") == ""


def test_fetch_keys_are_the_base_keys_that_are_not_about_the_location() -> None:
    from ping_desktop.api.models import FETCH_KEYS, RESULT_BASE_KEYS
    from ping_desktop.storage.review import FETCH_FIELDS

    assert FETCH_KEYS < RESULT_BASE_KEYS
    about_the_location = RESULT_BASE_KEYS - FETCH_KEYS
    assert about_the_location == {"is_success", "error_message", "confidence"}
    assert {"raw_response", "worker_name", "status"} <= FETCH_KEYS
    assert FETCH_FIELDS is FETCH_KEYS
