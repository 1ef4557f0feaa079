"""Parameter files that refuse mistakes: one schema, checked by the loader, published in docs/."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from careprotect import Division, Engine
from careprotect.docgen import pages
from careprotect.errors import PluginLoadError
from careprotect.masking import scrub
from careprotect.parameter_schema import SCHEMA, json_text, problems
from careprotect.params import PluginInfo, Status, Unit, load_parameter_file

DOCS = Path(__file__).parent.parent / "docs"
PUBLISHED = DOCS / "schema" / "parameter-file.schema.json"
HUNAN = PluginInfo(name="hunan", version="2", scope=Division("43"))

GOOD: dict[str, Any] = {
    "citations": {
        "c": {
            "issuer": "湖南省民政厅",
            "document": "湘民发〔2018〕1号",
            "title": "t",
            "clause": "一",
            "date": dt.date(2018, 1, 1),
            "status": "reported",
            "verified": dt.date(2026, 11, 23),
            "url": "https://example.org/x",
            "note": "n",
        }
    },
    "parameters": {"x.count": {"unit": "choices", "zh": "z", "en": "e", "choices": ["a", "b"]}},
    "values": [
        {
            "parameter": "x.count",
            "effective": dt.date(2018, 1, 1),
            "value": ["a"],
            "scope": "4301",
            "floor": False,
            "lowers_floor": False,
            "citation": "c",
        }
    ],
}
"""A file using every key the schema knows."""


def toml_value(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return repr(raw)
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, list):
        return "[" + ", ".join(toml_value(r) for r in raw) + "]"
    if isinstance(raw, dict):
        return "{" + ", ".join(f"{key(k)} = {toml_value(v)}" for k, v in raw.items()) + "}"
    return text(str(raw))


def text(raw: str) -> str:
    """A TOML basic string: JSON's escapes, and DEL escaped too (TOML refuses it raw)."""
    return json.dumps(raw, ensure_ascii=False).replace("\x7f", "\\u007f")


def key(name: str) -> str:
    return text(name)


def toml_text(data: dict[str, Any]) -> str:
    """``data`` (a parameter file's structure) written as TOML."""
    tables = ("citations", "parameters", "values")
    lines = [f"{key(k)} = {toml_value(v)}" for k, v in data.items() if k not in tables]
    for section in ("citations", "parameters"):
        for name, entry in data.get(section, {}).items():
            lines.append(f"[{section}.{key(name)}]")
            lines += [f"{key(k)} = {toml_value(v)}" for k, v in entry.items()]
    for entry in data.get("values", []):
        lines.append("[[values]]")
        lines += [f"{key(k)} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def load(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(toml_text(data), encoding="utf-8")
    load_parameter_file(path, HUNAN)


def refusal(tmp_path: Path, data: dict[str, Any]) -> str:
    with pytest.raises(PluginLoadError) as info:
        load(tmp_path, data)
    message = str(info.value)
    assert "\n" not in message
    return message


def changed(table: str, **fields: Any) -> dict[str, Any]:
    """GOOD with ``fields`` set in one table (``citation``, ``parameter``, ``value``, ``top``);
    a field set to None is removed."""
    data = copy.deepcopy(GOOD)
    target = {
        "top": data,
        "citation": data["citations"]["c"],
        "parameter": data["parameters"]["x.count"],
        "value": data["values"][0],
    }[table]
    for name, raw in fields.items():
        if raw is None:
            del target[name]
        else:
            target[name] = raw
    return data


def test_a_file_using_every_key_loads(tmp_path: Path) -> None:
    """The reference file, with every key the schema knows, loads and carries each field."""
    path = tmp_path / "p.toml"
    path.write_text(toml_text(GOOD), encoding="utf-8")
    citations, [spec], [v] = load_parameter_file(path, HUNAN)
    c = citations["c"]
    assert (c.status, c.url, c.note, c.clause) == (
        Status.REPORTED,
        "https://example.org/x",
        "n",
        "一",
    )
    assert (spec.unit, spec.choices) == (Unit.CHOICES, ("a", "b"))
    assert (v.scope, v.floor, v.lowers_floor, v.citation) == (Division("4301"), False, False, c)


def test_a_misspelt_floor_is_refused_naming_file_table_and_key(tmp_path: Path) -> None:
    """flor = true: one line naming the file, the plugin, the table and the key, with the
    key meant."""
    message = refusal(tmp_path, changed("value", flor=True))
    assert message == (
        "p.toml of plugin hunan: values[0]: unknown key 'flor'; did you mean 'floor'?"
    )


@pytest.mark.parametrize(
    ("table", "field", "said"),
    [
        ("citation", "notes", "citation 'c': unknown key 'notes'; did you mean 'note'?"),
        ("citation", "isuer", "citation 'c': unknown key 'isuer'; did you mean 'issuer'?"),
        (
            "parameter",
            "choice",
            "parameter 'x.count': unknown key 'choice'; did you mean 'choices'?",
        ),
        ("top", "value", "top level: unknown table or key 'value'; did you mean 'values'?"),
        (
            "citation",
            "未核实",
            "citation 'c': unknown key '未核实'; expected issuer, document, title, clause, date, "
            "status, verified, url, note",
        ),
    ],
)
def test_an_unknown_key_is_refused_in_every_table(
    tmp_path: Path, table: str, field: str, said: str
) -> None:
    """An unknown key in a citation, parameter or the top level is refused, with the nearest
    known key, or every known key when none is near."""
    assert refusal(tmp_path, changed(table, **{field: "x"})) == f"p.toml of plugin hunan: {said}"


@pytest.mark.parametrize(
    ("table", "field", "raw", "said"),
    [
        ("value", "floor", "yes", "values[0]: 'floor' must be true or false (got a string 'yes')"),
        (
            "value",
            "effective",
            "2018-01-01",
            "values[0]: 'effective' must be a TOML date like 2020-01-01 (got a string "
            "'2018-01-01')",
        ),
        (
            "value",
            "value",
            1.5,
            "values[0]: 'value' must be a string, an integer, true or false or an array of "
            "strings (got a float 1.5)",
        ),
        (
            "value",
            "value",
            [1],
            "values[0]: 'value' must be a string, an integer, true or false or an array of "
            "strings (got an array [1])",
        ),
        ("value", "scope", "431", "values[0]: 'scope' is not a division code (got '431')"),
        (
            "citation",
            "status",
            "sure",
            "citation 'c': 'status' must be one of confirmed, reported, assumed (got a string "
            "'sure')",
        ),
        (
            "citation",
            "verified",
            True,
            "citation 'c': 'verified' must be a TOML date like 2020-01-01 (got a boolean True)",
        ),
        ("citation", "url", 3, "citation 'c': 'url' must be a string (got an integer 3)"),
        (
            "parameter",
            "unit",
            "yuan_per_year",
            "parameter 'x.count': 'unit' must be one of yuan_per_month, yuan, m2, count, years, "
            "months, days, ratio, flag, choice, choices (got a string 'yuan_per_year')",
        ),
        (
            "parameter",
            "choices",
            ["a", 2],
            "parameter 'x.count': 'choices' must be an array of strings (got an array ['a', 2])",
        ),
        ("citation", "status", None, "citation 'c' needs 'status'"),
        ("value", "effective", None, "values[0] needs 'effective'"),
    ],
)
def test_a_key_of_the_wrong_type_is_refused(
    tmp_path: Path, table: str, field: str, raw: object, said: str
) -> None:
    """Types, choices and required keys are checked, naming the table and the key."""
    assert refusal(tmp_path, changed(table, **{field: raw})) == f"p.toml of plugin hunan: {said}"


KNOWN = {
    "top": set(SCHEMA["properties"]),
    **{name: set(SCHEMA["$defs"][name]["properties"]) for name in ("citation", "parameter")},
    "value": set(SCHEMA["$defs"]["value"]["properties"]),
}
LABELS = {"top": "top level", "citation": "citation 'c'", "parameter": "parameter 'x.count'"}
KEYS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)
SCALARS = st.one_of(
    st.booleans(), st.integers(-5, 5), st.text(max_size=5), st.dates(), st.lists(st.integers())
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(sorted(KNOWN)), name=KEYS, raw=SCALARS)
def test_any_key_not_in_the_schema_is_refused_and_named(
    tmp_path: Path, table: str, name: str, raw: object
) -> None:
    """Property: a key the schema does not know, in any table, with any value, is refused in
    one line naming the file, the table and the key."""
    if name in KNOWN[table]:
        return
    message = refusal(tmp_path, changed(table, **{name: raw}))
    label = LABELS.get(table, "values[0]")
    what = "unknown table or key" if table == "top" else "unknown key"
    # Error text is masked (scrub) as it leaves the library: a key of 15 digits is masked
    # like an ID number.
    assert message.startswith(scrub(f"p.toml of plugin hunan: {label}: {what} {name!r}; "))


# -- the schema itself ---------------------------------------------------------------------------


def test_the_published_schema_is_the_generated_one() -> None:
    """docs/schema/parameter-file.schema.json is SCHEMA as docgen writes it (run
    `python -m careprotect.docgen` after changing the schema), and a valid JSON Schema."""
    assert PUBLISHED.read_text(encoding="utf-8") == json_text()
    assert pages()["schema/parameter-file.schema.json"] == json_text()
    Draft202012Validator.check_schema(json.loads(json_text()))


def as_json(raw: object) -> object:
    """A TOML value as a JSON Schema validator sees it: dates as their ISO text."""
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, list):
        return [as_json(r) for r in raw]
    if isinstance(raw, dict):
        return {k: as_json(v) for k, v in raw.items()}
    return raw


def shipped_files() -> list[Path]:
    engine = Engine.from_entry_points(["hunan", "hubei"])
    assert len(engine.plugins) == 3
    import careprotect_hubei
    import careprotect_hunan

    national = Path(__file__).parent.parent / "src" / "careprotect" / "national"
    return [
        *sorted(national.glob("*.toml")),
        *careprotect_hunan.PARAMETER_FILES,
        *sorted(Path(careprotect_hubei.__file__).parent.glob("*.toml")),
    ]


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_conforms_to_the_published_schema(path: Path) -> None:
    """Each shipped parameter file passes both careprotect's check and a JSON Schema
    validator's, given the published file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert problems(data) == []
    validator = Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(as_json(data))] == []


MUTATIONS = st.tuples(
    st.sampled_from(["top", "citation", "parameter", "value"]),
    st.sampled_from(
        ["issuer", "status", "unit", "choices", "value", "floor", "scope", "citations", "x"]
    ),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.sampled_from(["", "43", "4301x", "confirmed", "count", "yes"]),
        st.lists(st.sampled_from(["a", 1]), max_size=2),
        st.just({"k": "v"}),
    ),
)


@settings(max_examples=200)
@given(mutations=st.lists(MUTATIONS, max_size=3))
def test_careprotect_and_a_json_schema_validator_agree(
    mutations: list[tuple[str, str, object]],
) -> None:
    """Property: a file changed in a few keys breaks careprotect's check exactly when it
    breaks the published schema as a JSON Schema validator reads it (no date is involved in
    the changes, where the two differ: a validator takes a quoted date for a date)."""
    data = copy.deepcopy(GOOD)
    for table, field, raw in mutations:
        _apply(data, table, field, raw)
    validator = Draft202012Validator(json.loads(json_text()))
    assert (problems(data) == []) == validator.is_valid(as_json(data))


def _apply(data: dict[str, Any], table: str, field: str, raw: object) -> None:
    target = {
        "top": data,
        "citation": data["citations"]["c"],
        "parameter": data["parameters"]["x.count"],
        "value": data["values"][0],
    }[table]
    if table == "top" and field in ("citations", "values"):
        return
    if raw is None:
        target.pop(field, None)
    else:
        target[field] = raw
