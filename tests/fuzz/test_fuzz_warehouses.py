"""Fuzz warehouse-file loading (TOML and YAML): every text is a config or a ``ConfigError`` listing
problems with a code and a line, never another exception, and never slow (the profile's deadline)."""

from __future__ import annotations

import json

import yaml
from fuzz_profiles import FUZZ
from hypothesis import example, given
from hypothesis import strategies as st

from addrcheck.errors import ConfigError
from addrcheck.warehouses import load_config_text
from addrcheck.warehouses.config import MAX_CONFIG_BYTES

# Found by this target's first runs (the loader raised ValueError/AttributeError, or took seconds):
REGRESSIONS = [
    ("yaml", "a: 2001-13-45"),
    ("yaml", "a: !!timestamp x"),
    ("yaml", "a: !!float abc"),
    ("yaml", "!!int "),  # HYPOTHESIS_PROFILE=long found it: IndexError in SafeLoader
    ("yaml", "a: !!bool x"),
    ("yaml", "{? !!float : 1}"),
    ("yaml", "a: 1" + ":59" * 40_000),
    ("toml", "a = 1" + "0" * 5000),
    ("toml", "a = " + "[" * 600 + "]" * 600),
    ("toml", "a" + ".a" * 20_000 + " = 1"),
    ("toml", 'a = "\ud800"'),
    ("toml", '[[warehouses]]\nid = "w"\n[[rules]]\nwarehouse = "w"\nsku_glob = "' + "*a" * 12 + '*b"\n'),
]

SPECIAL = [
    "&a ",
    "*a",
    "!!int ",
    "!!binary ",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "  ",
    "#",
    '"',
    "'",
    "=",
    "[[warehouses]]",
    "[[rules]]",
    "[routing]",
    "id = ",
    "sku_glob = ",
    "*",
    "?",
    "\ud800",
    "\u202e",
]
noise = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=5)), max_size=60).map("".join)

scalar = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
glob = st.text(alphabet="AB-*?[]!0", min_size=1, max_size=8)
warehouse = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["w1", "w2", "bad id", ""]),
        "name": st.sampled_from(["义乌主仓", "", "\u200b仓"]),
        "contact": st.sampled_from(["王建国", "x" * 70]),
        "phone": st.sampled_from(["0579-85551234", "13957112345", "12345", 5]),
        "address": st.sampled_from(["浙江省金华市义乌市稠城街道工人北路100号", "浙江省金华市", "鼓楼区"]),
    }
)
rule = st.fixed_dictionaries(
    {"warehouse": st.sampled_from(["w1", "w2", "nope"])},
    optional={
        "priority": st.one_of(st.integers(-3, 3), scalar),
        "sku": st.lists(st.text(alphabet="AB-1", min_size=0, max_size=4), max_size=4),
        "sku_prefix": st.one_of(
            st.text(alphabet="AB-", max_size=3), st.lists(st.text(alphabet="AB-", max_size=3))
        ),
        "sku_glob": st.one_of(glob, st.lists(glob, max_size=3)),
        "category": st.sampled_from(["玩具", ["家电", "数码"], 3]),
        "shop": scalar,
        "colour": scalar,
    },
)
documents = st.fixed_dictionaries(
    {"warehouses": st.lists(warehouse, max_size=3)},
    optional={
        "rules": st.lists(rule, max_size=6),
        "routing": st.fixed_dictionaries({"default": st.sampled_from(["w1", "w3"])}),
    },
)


def _check(text: str, fmt: str) -> None:
    try:
        config = load_config_text(text, fmt, source="fuzz")
    except ConfigError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.code.isupper() and problem.code.replace("_", "").isalpha()  # type: ignore[attr-defined]
            assert problem.line is None or problem.line >= 1  # type: ignore[attr-defined]
            json.dumps(problem.to_dict())  # type: ignore[attr-defined]
    else:
        assert len(text.encode("utf-8", "surrogatepass")) <= MAX_CONFIG_BYTES
        json.dumps(config.to_dict(), ensure_ascii=False)


def _toml(document: dict[str, object]) -> str:
    lines = []
    for table in ("warehouses", "rules"):
        for entry in document.get(table, []):  # type: ignore[attr-defined]
            lines.append(f"[[{table}]]")
            lines += [
                f"{key} = {json.dumps(value, ensure_ascii=False)}"
                for key, value in entry.items()
                if value is not None
            ]
    if "routing" in document:
        lines += ["[routing]", f"default = {json.dumps(document['routing']['default'])}"]  # type: ignore[index]
    return "\n".join(lines) + "\n"


@FUZZ
@given(document=documents)
def test_structured_toml(document: dict[str, object]) -> None:
    _check(_toml(document), "toml")


@FUZZ
@given(document=documents)
def test_structured_yaml(document: dict[str, object]) -> None:
    _check(yaml.safe_dump(document, allow_unicode=True), "yaml")


@FUZZ
@given(text=noise, fmt=st.sampled_from(["toml", "yaml"]))
@example(text=REGRESSIONS[0][1], fmt="yaml")
def test_noise(text: str, fmt: str) -> None:
    _check(text, fmt)


def test_regressions() -> None:
    for fmt, text in REGRESSIONS:
        _check(text, fmt)
