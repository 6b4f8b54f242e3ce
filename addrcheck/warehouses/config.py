"""Warehouse files: the merchant's return warehouses and the rules that route SKUs to them.

A file (TOML or YAML, same structure) holds::

    [[warehouses]]            # one table per warehouse
    id = "yiwu"               # letters, digits, "_", "-", "."; unique
    name = "义乌主仓"
    contact = "王建国"         # the name printed on the return label
    phone = "13957912345"     # mainland mobile or landline ("0579-85123456")
    address = "浙江省金华市义乌市稠城街道工人北路100号"   # must pass the strict policy

    [[rules]]                 # optional; the highest priority matching rule wins
    id = "toys"               # optional, default "rule-N" (N = position in the file)
    warehouse = "yiwu"        # or warehouses = ["yiwu", "guangzhou"]: nearest to the buyer, else the first
    priority = 20             # integer, default 0; higher wins
    sku = ["A-1", "A-2"]      # conditions: sku (exact), sku_prefix, sku_glob, category, shop;
    sku_prefix = "TOY-"       # each a string or a list (any of them); different conditions must ALL hold
    category = "玩具"

    [routing]
    default = "yiwu"          # optional; without it an unmatched SKU is an error, never a silent guess

``load_config`` validates everything and raises ``ConfigError`` whose ``problems`` lists every
``ConfigProblem`` (code, message, line). The checks: the file parses; keys and types; warehouse ids are
unique; every address is ``ok`` under the strict policy; every phone is a valid mainland mobile or landline
(``phonenumbers``, region CN); every rule and the default name a defined warehouse; glob syntax; no two
rules of equal priority can match the same item; no rule can never match (empty condition, contradictory
conditions, or hidden behind one higher-priority rule). The example SKU in overlap messages is a shortest
one, found exactly (see ``_patterns``).

Bounds, checked before the work they protect and reported as CONFIG_TOO_COMPLEX with the line: 1 MiB
(TOO_LARGE), nesting 10 deep, 20,000 values with every YAML alias counted as what it repeats (counted on
the parser's events, so a "billion laughs" file is refused after reading it once), 1,000 characters per
value, 100 warehouses, 200 rules, 1,000 values per condition list, and a work budget for comparing rules
(globs are compared through automata; SKU lists and prefixes directly). Text holding a lone surrogate is
INVALID_CHARACTER; a value holding an invisible or control character (U+202E, U+200B, U+FEFF, a tab…) is
INVISIBLE_CHARACTER. A YAML value its constructor cannot build (a timestamp with month 13) is PARSE_ERROR.

Caveats: a rule covered only by the union of several higher rules is not reported; TOML line numbers come
from a line scan, so a value inside an inline table or multi-line array is reported at its key's line.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
import yaml

from addrcheck.errors import ConfigError
from addrcheck.warehouses import _patterns as patterns
from addrcheck.warehouses._patterns import Language, PatternError

FORMAT_VERSION = "addrcheck-warehouses/1"  # part of the hashed canonical form
FORMATS = ("toml", "yaml")
MAX_CONFIG_BYTES = 1_048_576
# Bounds that keep one check within a fraction of a second of CPU (tests/api/test_api_limits.py measures
# it); a real file is a few levels deep and holds a few hundred values.
MAX_CONFIG_DEPTH = 10  # nested lists and tables; [[warehouses]] with a list of SKUs is 4
MAX_CONFIG_NODES = 20_000  # keys, values and list items, every YAML alias counted as what it repeats
MAX_VALUE_LENGTH = 1_000  # characters in one value
MAX_WAREHOUSES = 100
MAX_RULES = 200
MAX_CONDITION_VALUES = 1_000  # values in one condition list (sku = [...]); use sku_prefix or sku_glob
PATTERN_BUDGET_UNITS = 200_000  # work for comparing rules, about 0.35 s (see _patterns.Budget)
DEFAULT_RULE_ID = "default"
WAREHOUSE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
MAX_RULE_ID_LENGTH = 128
MAX_CONTACT_LENGTH = 64
CONDITION_KEYS = ("sku", "sku_prefix", "sku_glob", "category", "shop")

_TOP_KEYS = ("warehouses", "rules", "routing")
_WAREHOUSE_KEYS = ("id", "name", "contact", "phone", "address")
_RULE_KEYS = ("id", "warehouse", "warehouses", "priority", *CONDITION_KEYS)
_ROUTING_KEYS = ("default",)

Path_ = tuple[str | int, ...]

# libyaml parses about eight times faster than the pure-Python parser (0.22 s against 1.7 s for 1 MB)
_YAML_LOADER: Any = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode categories Cc (controls), Cf (format: bidi overrides and isolates, zero-width characters, BOM),
# Zl and Zp (line and paragraph separators): never part of an address, a name or a SKU.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def _first_invisible(value: str) -> int | None:
    return next(
        (i for i, char in enumerate(value) if unicodedata.category(char) in _INVISIBLE_CATEGORIES), None
    )


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with a warehouse file."""

    code: str
    message: str
    line: int | None
    source: str = "<config>"

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.code}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "line": self.line, "source": self.source}


@dataclass(frozen=True, slots=True)
class Warehouse:
    """A return warehouse, its address already validated and normalised."""

    id: str
    name: str
    contact_name: str
    phone: str  # display form: 11 digits for mobiles, "0579-85123456" for landlines
    phone_e164: str
    address: str  # as written in the file
    normalized_address: str  # the string given to orders as the return address
    district_code: str | None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "contact_name": self.contact_name,
            "phone": self.phone,
            "address": self.normalized_address,
            "district_code": self.district_code,
        }


@dataclass(frozen=True, slots=True)
class Rule:
    """A routing rule; the configured default is a Rule too (id "default", no conditions)."""

    id: str
    warehouse_ids: tuple[str, ...]
    priority: int = 0
    skus: tuple[str, ...] | None = None
    sku_prefixes: tuple[str, ...] | None = None
    sku_globs: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    shops: tuple[str, ...] | None = None
    line: int | None = None
    is_default: bool = False
    _glob_regexes: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def matches(self, sku: str, *, category: str | None = None, shop: str | None = None) -> bool:
        """Whether every condition of the rule holds for this item (the default matches everything)."""
        if not self.matches_sku(sku):
            return False
        if self.categories is not None and category not in self.categories:
            return False
        return self.shops is None or shop in self.shops

    def matches_sku(self, sku: str) -> bool:
        """Whether the SKU conditions (sku, sku_prefix, sku_glob) hold; category and shop not asked."""
        if self.skus is not None and sku not in self.skus:
            return False
        if self.sku_prefixes is not None and not any(sku.startswith(p) for p in self.sku_prefixes):
            return False
        return self.sku_globs is None or any(r.fullmatch(sku) for r in self._glob_regexes)

    def describe(self) -> str:
        """The rule in one line, for explanations: 'rule "toys" (line 20, priority 20: sku_prefix "TOY-")'."""
        if self.is_default:
            return "the default warehouse ([routing] default)"
        conditions = " and ".join(
            f"{key} {' or '.join(_quote(v) for v in values)}" for key, values in self.conditions().items()
        )
        where = f"line {self.line}, " if self.line is not None else ""
        return f'rule "{self.id}" ({where}priority {self.priority}: {conditions})'

    def conditions(self) -> dict[str, tuple[str, ...]]:
        pairs = zip(
            CONDITION_KEYS,
            (self.skus, self.sku_prefixes, self.sku_globs, self.categories, self.shops),
            strict=True,
        )
        return {key: values for key, values in pairs if values is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "warehouses": list(self.warehouse_ids),
            "priority": self.priority,
            "line": self.line,
            "default": self.is_default,
            **{key: list(values) for key, values in self.conditions().items()},
        }


@dataclass(frozen=True, slots=True)
class WarehouseConfig:
    """A validated warehouse file. ``config_hash`` identifies its version (see ``canonical_form``)."""

    warehouses: Mapping[str, Warehouse]
    rules: tuple[Rule, ...]  # in file order
    default: Rule | None
    config_hash: str
    source: str = "<config>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "config_hash": self.config_hash,
            "warehouses": [w.to_dict() for w in self.warehouses.values()],
            "rules": [r.to_dict() for r in self.rules],
            "default": self.default.warehouse_ids[0] if self.default else None,
        }


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- reading the file, with line numbers ----------------------------------------------------------------

_TOML_ARRAY_TABLE = re.compile(r"^\[\[\s*([^\[\]]+?)\s*\]\]")
_TOML_TABLE = re.compile(r"^\[\s*([^\[\]]+?)\s*\]")
_TOML_KEY = re.compile(
    r"""^((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _toml_key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(
        part.strip().strip("\"'") for part in re.split(r"\.(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)", dotted)
    )


def _toml_locations(text: str) -> dict[Path_, int]:
    """Line numbers of tables, array-of-tables entries and keys (a line scan; TOML itself gives none)."""
    locations: dict[Path_, int] = {}
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    table: Path_ = ()
    open_quote: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if open_quote is not None:
            if line.count(open_quote) % 2 == 1:
                open_quote = None
            continue
        if match := _TOML_ARRAY_TABLE.match(line):
            name = _toml_key_parts(match.group(1))
            table = (*name, counts[name])
            counts[name] += 1
            locations.setdefault(table, number)
        elif match := _TOML_TABLE.match(line):
            table = _toml_key_parts(match.group(1))
            locations.setdefault(table, number)
        elif match := _TOML_KEY.match(line):
            locations.setdefault((*table, *_toml_key_parts(match.group(1))), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    open_quote = quote
    return locations


def _yaml_locations(
    node: yaml.Node,
    path: Path_,
    locations: dict[Path_, int],
    duplicates: list[tuple[Path_, int]],
    seen: set[int],
) -> None:
    locations.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.CollectionNode):
        # An alias repeats a node: its lines are recorded once, at its first path (later paths fall back
        # to the key that holds the alias), so this walk costs the file's size, not the expansion's.
        if id(node) in seen:
            return
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in keys:
                duplicates.append((child, key_node.start_mark.line + 1))
                continue
            keys.add(key)
            _yaml_locations(value_node, child, locations, duplicates, seen)
            locations[child] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _yaml_locations(item, (*path, index), locations, duplicates, seen)


def _problem(code: str, message: str, line: int | None, source: str) -> ConfigError:
    problem = ConfigProblem(code, message, line, source)
    return ConfigError(str(problem), problems=[problem])


def _too_complex(what: str, line: int | None, source: str) -> ConfigError:
    return _problem("CONFIG_TOO_COMPLEX", f"the file is too complex: {what}", line, source)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_text(text: str, source: str) -> None:
    """Refuse, before any parser sees it, text that no warehouse file holds or that is too large."""
    if found := _SURROGATE.search(text):
        raise _problem(
            "INVALID_CHARACTER",
            f"the file contains U+{ord(found.group()):04X}, a lone surrogate, which is not a character "
            "(the text was not decoded from a real encoding)",
            _line_at(text, found.start()),
            source,
        )
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        raise _problem("TOO_LARGE", f"the file is larger than {MAX_CONFIG_BYTES} bytes", None, source)


_TOML_STRING_OR_COMMENT = re.compile(
    r'"""(?:\\[\s\S]|[^\\])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
)
_TOML_BRACKET = re.compile(r"[\[\]{}]")
_TOML_KEY_RUN = re.compile(r"[^\[\]{}=,\n]+")


def _check_toml_shape(text: str, source: str) -> None:
    """Bound nesting and dotted keys before tomllib sees the text.

    tomllib recurses once per nested array or inline table (a ``RecursionError`` near 500 levels) and
    spends time quadratic in the parts of one dotted key (``a.a.a…`` of 20,000 parts: 2.6 s; a 1 MB
    file: half an hour). Strings and comments are blanked first (their newlines kept, for the line).
    """
    code = _TOML_STRING_OR_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    # a lower bound on the values _check_document_shape counts: one per "=", ",", "[" and "{"
    if sum(code.count(char) for char in "=,[{") > MAX_CONFIG_NODES:
        raise _too_complex(f"more than {MAX_CONFIG_NODES} values (keys, values and list items)", None, source)
    depth = 0
    for bracket in _TOML_BRACKET.finditer(code):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_CONFIG_DEPTH:
            line = _line_at(code, bracket.start())
            raise _too_complex(f"lists and tables nested more than {MAX_CONFIG_DEPTH} deep", line, source)
    for run in _TOML_KEY_RUN.finditer(code):
        if run.group().count(".") > MAX_CONFIG_DEPTH:
            line = _line_at(code, run.start())
            raise _too_complex(f"a dotted key of more than {MAX_CONFIG_DEPTH} parts", line, source)


def _check_yaml_shape(text: str, source: str) -> None:
    """Bound depth, value length and the size of the document with every alias expanded.

    Works on the parser's events, which come without recursion and before any node exists: a "billion
    laughs" file (anchors of anchors, 443 bytes, 10^7 values once expanded) used to take 54 s and 6 GB
    while its line numbers were recorded; here it stops after ``MAX_CONFIG_NODES`` values. An anchor's
    expanded size is the count of values between its start and end events, so an alias adds its size
    without walking it. Errors: ``ConfigError`` (CONFIG_TOO_COMPLEX with the line, or PARSE_ERROR).
    """
    sizes: dict[str, int] = {}
    open_collections: list[tuple[str | None, int]] = []  # (anchor, expanded count at its start)
    expanded = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            open_collections.append((event.anchor, expanded))
            expanded += 1
            if len(open_collections) > MAX_CONFIG_DEPTH:
                raise _too_complex(f"lists and tables nested more than {MAX_CONFIG_DEPTH} deep", line, source)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            anchor, began = open_collections.pop()
            if anchor is not None:
                sizes[anchor] = expanded - began
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
            if len(event.value) > MAX_VALUE_LENGTH:
                raise _too_complex(f"a value is longer than {MAX_VALUE_LENGTH} characters", line, source)
        elif isinstance(event, yaml.AliasEvent):
            expanded += sizes.get(event.anchor or "", 1)
        if expanded > MAX_CONFIG_NODES:
            raise _too_complex(
                f"more than {MAX_CONFIG_NODES} values (keys, values and list items, "
                "counting every use of a YAML alias)",
                line,
                source,
            )


def _check_document_shape(document: Any, checker: _Checker) -> None:
    """The same bounds on the parsed document (TOML has no events; YAML is already bounded)."""
    stack: list[tuple[Any, Path_]] = [(document, ())]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise _too_complex(
                f"more than {MAX_CONFIG_NODES} values (keys, values and list items)",
                checker.line(path),
                checker.source,
            )
        if len(path) > MAX_CONFIG_DEPTH:
            raise _too_complex(
                f"lists and tables nested more than {MAX_CONFIG_DEPTH} deep",
                checker.line(path),
                checker.source,
            )
        if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            raise _too_complex(
                f"a value is longer than {MAX_VALUE_LENGTH} characters", checker.line(path), checker.source
            )
        if isinstance(value, dict):
            count += len(value)  # the keys
            stack.extend((item, (*path, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))


def _yaml_error(exc: Exception, source: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    detail = " ".join(str(exc).split())
    return _problem(
        "PARSE_ERROR", f"not valid YAML: {detail}", mark.line + 1 if mark is not None else None, source
    )


def _parse(text: str, fmt: str, source: str) -> tuple[Any, dict[Path_, int], list[ConfigProblem]]:
    """The document, its line map, and duplicate-key problems; raises ConfigError if it does not parse."""
    if fmt == "toml":
        _check_toml_shape(text, source)
        try:
            document: Any = tomllib.loads(text)
        except RecursionError:
            # tomllib recurses once per nested array or inline table; the shape check below gives the
            # line for anything less deep than the interpreter's limit.
            raise _too_complex(
                f"lists and tables nested more than {MAX_CONFIG_DEPTH} deep", None, source
            ) from None
        except ValueError as exc:  # TOMLDecodeError, and int() refusing a number of over 4,300 digits
            found = re.search(r"line (\d+)", str(exc))
            raise _problem(
                "PARSE_ERROR", f"not valid TOML: {exc}", int(found.group(1)) if found else None, source
            ) from None
        return document, _toml_locations(text), []
    try:
        _check_yaml_shape(text, source)
        loader = _YAML_LOADER(text)
        try:
            node = loader.get_single_node()
            locations: dict[Path_, int] = {}
            duplicates: list[tuple[Path_, int]] = []
            if node is not None:
                _yaml_locations(node, (), locations, duplicates, set())
            document = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except (ValueError, TypeError, AttributeError, LookupError, OverflowError) as exc:
        # SafeLoader's constructors raise these for values its resolver or a tag let through: a timestamp
        # with month 13 (ValueError), "!!timestamp x" (AttributeError), "!!int" with no digits
        # (IndexError), "!!bool x" (KeyError); found by tests/fuzz/test_fuzz_warehouses.py.
        if isinstance(exc, ConfigError):
            raise
        reason = f": {exc}" if type(exc) is ValueError else " (a tag that does not fit its value)"
        raise _problem(
            "PARSE_ERROR", f"not valid YAML: a value cannot be read{reason}", None, source
        ) from None
    problems = [
        ConfigProblem(
            "DUPLICATE_KEY", f'key "{path[-1]}" appears twice in {_describe_path(path[:-1])}', line, source
        )
        for path, line in duplicates
    ]
    return document, locations, problems


def _describe_path(path: Path_) -> str:
    if not path:
        return "the top level"
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


# --- validation -----------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, source: str, locations: dict[Path_, int]) -> None:
        self.source = source
        self.locations = locations
        self.problems: list[ConfigProblem] = []

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return None

    def add(self, code: str, message: str, path: Path_ = (), *, line: int | None = None) -> None:
        self.problems.append(
            ConfigProblem(code, message, line if line is not None else self.line(path), self.source)
        )

    def keys(self, table: Mapping[str, Any], allowed: Sequence[str], path: Path_, what: str) -> None:
        for key in table:
            if key not in allowed:
                choices = ", ".join(allowed)
                self.add(
                    "UNKNOWN_KEY", f'unknown key "{key}" in {what}; expected one of: {choices}', (*path, key)
                )

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        path: Path_,
        what: str,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> str | None:
        if key not in table:
            if required:
                self.add("MISSING_KEY", f'{what} has no "{key}"', path)
            return None
        value = table[key]
        if not isinstance(value, str):
            self.add(
                "WRONG_TYPE",
                f'{what}: "{key}" must be a string (quote it), not {_type_name(value)}',
                (*path, key),
            )
            return None
        if not value.strip():
            self.add("EMPTY_VALUE", f'{what}: "{key}" is empty', (*path, key))
            return None
        if not self.printable(value, f'{what}: "{key}"', (*path, key)):
            return None
        if max_length is not None and len(value) > max_length:
            self.add("TOO_LONG", f'{what}: "{key}" is longer than {max_length} characters', (*path, key))
            return None
        return value

    def text_list(self, table: Mapping[str, Any], key: str, path: Path_, what: str) -> tuple[str, ...] | None:
        """A string or a list of strings, as a tuple (None when absent or wrong)."""
        value = table[key]
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.add(
                "WRONG_TYPE",
                f'{what}: "{key}" must be a string or a list of strings (quote numbers)',
                (*path, key),
            )
            return None
        if any(not v for v in values):
            self.add("EMPTY_VALUE", f'{what}: "{key}" contains an empty string', (*path, key))
            return None
        if len(values) > MAX_CONDITION_VALUES:
            self.add(
                "CONFIG_TOO_COMPLEX",
                f'the file is too complex: {what}: "{key}" lists {len(values)} values, more than '
                f"{MAX_CONDITION_VALUES}; use sku_prefix or sku_glob",
                (*path, key),
            )
            return None
        if not all(self.printable(v, f'{what}: "{key}"', (*path, key)) for v in values):
            return None
        return tuple(values)

    def printable(self, value: str, what: str, path: Path_) -> bool:
        """False (and a problem) for text holding an invisible or control character.

        A warehouse's text ends up on return labels and in the ledger; a right-to-left override (U+202E),
        a zero-width space (U+200B) or a control character there makes what is printed differ from what
        was checked, so it is refused rather than cleaned.
        """
        position = _first_invisible(value)
        if position is None:
            return True
        char = value[position]
        name = unicodedata.name(char, "a control character")
        self.add(
            "INVISIBLE_CHARACTER",
            f"{what} contains U+{ord(char):04X} ({name}) at position {position + 1}, an invisible "
            "or control character; remove it",
            path,
        )
        return False


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


_PHONE_KINDS = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_phone(raw: str) -> tuple[str, str]:
    """``(display, e164)`` for a mainland China mobile or landline number; ValueError says why not.

    Display form: 11 digits for a mobile (13957912345), "0579-85123456" for a landline, with "转" and the
    extension if one is given.
    """
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError("cannot be read as a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    if phonenumbers.region_code_for_number(number) != "CN":
        raise ValueError("is not a mainland China number")
    if phonenumbers.number_type(number) not in _PHONE_KINDS:
        raise ValueError("is neither a mobile nor a landline number")
    national = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_geographical_area_code(number)
    display = f"0{national[:area]}-{national[area:]}" if area else national
    if number.extension:
        display += f"转{number.extension}"
    return display, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _sku_language(rule: Rule) -> Language:
    parts: list[Language] = [patterns.NON_EMPTY]
    if rule.skus is not None:
        parts.append(patterns.union([patterns.Glob(patterns.literal(s)) for s in rule.skus]))
    if rule.sku_prefixes is not None:
        parts.append(patterns.union([patterns.Glob(patterns.prefix(p)) for p in rule.sku_prefixes]))
    if rule.sku_globs is not None:
        parts.append(patterns.union([patterns.Glob(patterns.parse_glob(g)) for g in rule.sku_globs]))
    return patterns.intersection(parts)


def _overlap(first: tuple[str, ...] | None, second: tuple[str, ...] | None) -> tuple[bool, str | None]:
    """Whether two category (or shop) conditions share a value, and one shared value (None = any)."""
    if first is None and second is None:
        return True, None
    if first is None or second is None:
        return True, (second or first or ("",))[0]
    common = [value for value in first if value in second]
    return bool(common), common[0] if common else None


def _covers(outer: tuple[str, ...] | None, inner: tuple[str, ...] | None) -> bool:
    return outer is None or (inner is not None and set(inner) <= set(outer))


def _shortest_first(sku: str) -> tuple[int, str]:
    # the order in which the automaton's breadth-first search meets words: by length, then code point
    return len(sku), sku


@dataclass(frozen=True, slots=True)
class _SkuSet:
    """A rule's SKU conditions in a form cheaper than the automaton, when it has one.

    ``finite``: exactly these SKUs (the rule lists ``sku``), shortest first. ``prefixes``: every SKU
    starting with one of them (prefix conditions only). ``everything``: no SKU condition. A rule with a
    glob and no ``sku`` list has none of these (``opaque``): only the automaton can compare it.
    """

    rule: Rule
    finite: tuple[str, ...] | None = None
    prefixes: frozenset[str] | None = None
    everything: bool = False

    @property
    def opaque(self) -> bool:
        return self.finite is None and self.prefixes is None and not self.everything


def _sku_set(rule: Rule) -> _SkuSet:
    if rule.skus is not None:
        accepted = {sku for sku in rule.skus if rule.matches_sku(sku)}
        return _SkuSet(rule, finite=tuple(sorted(accepted, key=_shortest_first)))
    if rule.sku_globs is not None:
        return _SkuSet(rule)
    if rule.sku_prefixes is not None:
        return _SkuSet(rule, prefixes=frozenset(rule.sku_prefixes))
    return _SkuSet(rule, everything=True)


def _direct_cost(values: int) -> int:
    # a direct membership test costs about a quarter of one automaton step (measured)
    return 1 + values // 4


def _has_prefix_in(sku: str, prefixes: frozenset[str]) -> bool:
    return any(sku[:length] in prefixes for length in range(1, len(sku) + 1))


_EVERYTHING_EXAMPLE = "x"  # what the automaton gives for "any non-empty SKU" (its first stand-in)
_UNKNOWN = "\x00unknown"  # not a SKU (ids and SKUs never hold NUL): "ask the automaton"


def _fast_overlap(first: _SkuSet, second: _SkuSet, budget: patterns.Budget) -> str | None:
    """A shortest SKU both accept, None if there is none (what ``patterns.example`` of the intersection
    gives), or ``_UNKNOWN``."""
    for one, other in ((first, second), (second, first)):
        if one.finite is not None:
            budget.spend(_direct_cost(len(one.finite)))
            return next((sku for sku in one.finite if other.rule.matches_sku(sku)), None)
    if first.opaque or second.opaque:
        return _UNKNOWN
    if first.everything and second.everything:
        return _EVERYTHING_EXAMPLE
    one_prefixes = first.prefixes or frozenset()
    other_prefixes = second.prefixes or frozenset()
    if first.everything or second.everything:
        return min(one_prefixes | other_prefixes, key=_shortest_first)
    budget.spend(_direct_cost(len(one_prefixes) + len(other_prefixes)))
    # two prefix languages meet in the longer prefix, when the shorter one starts it
    candidates = [p for p in one_prefixes if _has_prefix_in(p, other_prefixes)]
    candidates += [p for p in other_prefixes if _has_prefix_in(p, one_prefixes)]
    return min(candidates, key=_shortest_first) if candidates else None


def _fast_covered(inner: _SkuSet, outer: _SkuSet, budget: patterns.Budget) -> bool | None:
    """Whether every SKU ``inner`` accepts, ``outer`` accepts too; None when only the automaton knows."""
    if inner.finite is not None:
        budget.spend(_direct_cost(len(inner.finite)))
        return all(outer.rule.matches_sku(sku) for sku in inner.finite)
    if outer.everything:
        return True
    if inner.opaque or outer.opaque:
        return None
    if outer.finite is not None or inner.everything:
        return False  # an infinite set inside a finite one, or every SKU inside a prefix condition
    assert inner.prefixes is not None and outer.prefixes is not None
    budget.spend(_direct_cost(len(inner.prefixes)))
    return all(_has_prefix_in(p, outer.prefixes) for p in inner.prefixes)


def _check_rules(checker: _Checker, rules: list[tuple[Rule, Path_]]) -> None:
    """Rules that can never match, and rules of equal priority that match the same item.

    Lists of SKUs and prefix-only rules are compared directly; globs through the automaton. All of it
    draws on one ``patterns.Budget``: when that runs out, the file is CONFIG_TOO_COMPLEX.
    """
    budget = patterns.Budget(PATTERN_BUDGET_UNITS)
    try:
        _check_rules_within(checker, rules, budget)
    except patterns.PatternBudgetError:
        checker.add(
            "CONFIG_TOO_COMPLEX",
            f"the file is too complex: comparing its {len(rules)} rules would take more than "
            f"{PATTERN_BUDGET_UNITS} steps; use fewer rules, or sku_prefix and sku lists instead of sku_glob",
            ("rules", 0),
        )


def _check_rules_within(checker: _Checker, rules: list[tuple[Rule, Path_]], budget: patterns.Budget) -> None:
    languages = {rule.id: _sku_language(rule) for rule, _path in rules}
    sets = {rule.id: _sku_set(rule) for rule, _path in rules}

    def example(language: Language) -> str | None:
        return patterns.example(language, budget)

    live: list[tuple[Rule, Path_]] = []
    for rule, path in rules:
        shape = sets[rule.id]
        never = shape.finite == () if not shape.opaque else example(languages[rule.id]) is None
        if never:
            checker.add(
                "RULE_NEVER_MATCHES",
                f'rule "{rule.id}" can never match: no SKU satisfies all of its SKU conditions together',
                path,
            )
        else:
            live.append((rule, path))
    for index, (rule, path) in enumerate(live):
        for other, _other_path in live[:index] + live[index + 1 :]:
            if other.priority <= rule.priority:
                continue
            if not (_covers(other.categories, rule.categories) and _covers(other.shops, rule.shops)):
                continue
            covered = _fast_covered(sets[rule.id], sets[other.id], budget)
            if covered is None:
                leftover = patterns.intersection(
                    [languages[rule.id], patterns.complement(languages[other.id])]
                )
                covered = example(leftover) is None
            if covered:
                checker.add(
                    "RULE_NEVER_MATCHES",
                    f'rule "{rule.id}" can never match: every item it '
                    f"matches is taken first by {other.describe()}",
                    path,
                )
                break
    for index, (rule, path) in enumerate(live):
        for other, other_path in live[index + 1 :]:
            if other.priority != rule.priority:
                continue
            categories_meet, category = _overlap(rule.categories, other.categories)
            shops_meet, shop = _overlap(rule.shops, other.shops)
            if not (categories_meet and shops_meet):
                continue
            sku = _fast_overlap(sets[rule.id], sets[other.id], budget)
            if sku == _UNKNOWN:
                sku = example(patterns.intersection([languages[rule.id], languages[other.id]]))
            if sku is None:
                continue
            item = f"SKU {_quote(sku)}"
            if category is not None:
                item += f" in category {_quote(category)}"
            if shop is not None:
                item += f" from shop {_quote(shop)}"
            checker.add(
                "OVERLAPPING_RULES",
                f'rules "{rule.id}" (line {checker.line(path)}) and '
                f'"{other.id}" (line {checker.line(other_path)}) '
                f"have the same priority {rule.priority} and both match {item}; give one a higher priority",
                other_path,
            )


def _read_warehouses(checker: _Checker, document: Mapping[str, Any], policy: str) -> dict[str, Warehouse]:
    from addrcheck import validate

    raw = document.get("warehouses")
    if raw is None:
        checker.add("NO_WAREHOUSES", "the file defines no warehouses ([[warehouses]] tables)", line=1)
        return {}
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        checker.add("WRONG_TYPE", '"warehouses" must be a list of tables ([[warehouses]])', ("warehouses",))
        return {}
    if not raw:
        checker.add(
            "NO_WAREHOUSES", "the file defines no warehouses ([[warehouses]] tables)", ("warehouses",)
        )
    if len(raw) > MAX_WAREHOUSES:
        checker.add(
            "CONFIG_TOO_COMPLEX",
            f"the file is too complex: {len(raw)} warehouses, more than {MAX_WAREHOUSES}",
            ("warehouses", MAX_WAREHOUSES),  # at the first one too many
        )
        return {}
    warehouses: dict[str, Warehouse] = {}
    first_line: dict[str, int | None] = {}
    for index, table in enumerate(raw):
        path: Path_ = ("warehouses", index)
        what = f"warehouse {index + 1}"
        warehouse_id = checker.text(table, "id", path, what)
        if warehouse_id is not None:
            what = f'warehouse "{warehouse_id}"'
            if not WAREHOUSE_ID_RE.match(warehouse_id):
                checker.add(
                    "INVALID_ID",
                    f'{what}: an id is 1 to 64 letters, digits, "_", '
                    '"-" or ".", starting with a letter or digit',
                    (*path, "id"),
                )
                warehouse_id = None
            elif warehouse_id in first_line:
                checker.add(
                    "DUPLICATE_WAREHOUSE_ID",
                    f'warehouse id "{warehouse_id}" is already used by '
                    f"the warehouse on line {first_line[warehouse_id]}",
                    (*path, "id"),
                )
                warehouse_id = None
            else:
                first_line[warehouse_id] = checker.line(path)
        checker.keys(table, _WAREHOUSE_KEYS, path, what)
        name = checker.text(table, "name", path, what)
        contact = checker.text(table, "contact", path, what, max_length=MAX_CONTACT_LENGTH)
        phone_raw = checker.text(table, "phone", path, what)
        address = checker.text(table, "address", path, what)
        phone: tuple[str, str] | None = None
        if phone_raw is not None:
            try:
                phone = normalize_phone(phone_raw)
            except ValueError as exc:
                checker.add(
                    "INVALID_PHONE",
                    f'{what}: phone "{phone_raw}" {exc}; give a '
                    "mainland mobile or a landline with its area code",
                    (*path, "phone"),
                )
        result = None
        if address is not None:
            result = validate(address, policy=policy)
            if not result.ok:
                reasons = (
                    "; ".join(f"{r.code.value} ({r.message_en})" for r in result.reasons) or "no reason given"
                )
                checker.add(
                    "INVALID_ADDRESS",
                    f'{what}: address "{address}" is {result.status.value} '
                    f"under the {policy} policy: {reasons}",
                    (*path, "address"),
                )
                result = None
        if None in (warehouse_id, name, contact, phone, result):
            continue
        assert warehouse_id is not None and name is not None and contact is not None
        assert phone is not None and result is not None and address is not None
        district = result.components.get("district")
        warehouses[warehouse_id] = Warehouse(
            id=warehouse_id,
            name=name,
            contact_name=contact,
            phone=phone[0],
            phone_e164=phone[1],
            address=address,
            normalized_address=result.normalized,
            district_code=district.code if district is not None else None,
            line=checker.line(path),
        )
    return warehouses


def _read_rules(
    checker: _Checker, document: Mapping[str, Any], declared: set[str]
) -> tuple[list[tuple[Rule, Path_]], list[dict[str, Any]]]:
    raw = document.get("rules", [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        checker.add("WRONG_TYPE", '"rules" must be a list of tables ([[rules]])', ("rules",))
        return [], []
    if len(raw) > MAX_RULES:
        checker.add(
            "CONFIG_TOO_COMPLEX",
            f"the file is too complex: {len(raw)} rules, more than {MAX_RULES}",
            ("rules", MAX_RULES),
        )
        return [], []
    rules: list[tuple[Rule, Path_]] = []
    canonical: list[dict[str, Any]] = []
    first_line: dict[str, int | None] = {}
    for index, table in enumerate(raw):
        path: Path_ = ("rules", index)
        usable = True
        rule_id = f"rule-{index + 1}"
        if "id" in table:
            given = checker.text(table, "id", path, f"rule {index + 1}", max_length=MAX_RULE_ID_LENGTH)
            if given is None:
                usable = False
            elif given == DEFAULT_RULE_ID:
                checker.add(
                    "RESERVED_ID",
                    f'rule id "{DEFAULT_RULE_ID}" is reserved for [routing] default',
                    (*path, "id"),
                )
                usable = False
            else:
                rule_id = given
        what = f'rule "{rule_id}"'
        if rule_id in first_line:
            checker.add(
                "DUPLICATE_RULE_ID",
                f'rule id "{rule_id}" is already used by the rule on line {first_line[rule_id]}',
                path,
            )
            usable = False
        first_line.setdefault(rule_id, checker.line(path))
        checker.keys(table, _RULE_KEYS, path, what)

        targets: tuple[str, ...] | None = None
        if "warehouse" in table and "warehouses" in table:
            checker.add("CONFLICTING_KEYS", f'{what}: give "warehouse" or "warehouses", not both', path)
        elif "warehouse" in table:
            single = checker.text(table, "warehouse", path, what)
            targets = (single,) if single is not None else None
        elif "warehouses" in table:
            targets = checker.text_list(table, "warehouses", path, what)
            if targets is not None and not targets:
                checker.add("EMPTY_VALUE", f'{what}: "warehouses" is empty', (*path, "warehouses"))
                targets = None
        else:
            checker.add("MISSING_KEY", f'{what} has no "warehouse"', path)
        if targets is None:
            usable = False
        else:
            key = "warehouse" if "warehouse" in table else "warehouses"
            for target in targets:
                if target not in declared:
                    checker.add(
                        "UNKNOWN_WAREHOUSE",
                        f'{what} points at warehouse "{target}", which is not defined',
                        (*path, key),
                    )
                    usable = False

        priority = table.get("priority", 0)
        if type(priority) is not int:
            checker.add(
                "WRONG_TYPE",
                f'{what}: "priority" must be an integer, not {_type_name(priority)}',
                (*path, "priority"),
            )
            usable = False
            priority = 0

        conditions: dict[str, tuple[str, ...] | None] = dict.fromkeys(CONDITION_KEYS)
        for key in CONDITION_KEYS:
            if key not in table:
                continue
            values = checker.text_list(table, key, path, what)
            if values is None:
                usable = False
            elif not values:
                checker.add(
                    "RULE_NEVER_MATCHES", f'{what} can never match: "{key}" is an empty list', (*path, key)
                )
                usable = False
            conditions[key] = values
        if not any(key in table for key in CONDITION_KEYS):
            checker.add(
                "RULE_WITHOUT_CONDITION",
                f"{what} has no condition (sku, sku_prefix, sku_glob, category or shop); "
                "use [routing] default for a catch-all",
                path,
            )
            usable = False
        regexes: list[re.Pattern[str]] = []
        for glob in conditions["sku_glob"] or ():
            try:
                regexes.append(patterns.to_regex(patterns.parse_glob(glob)))
            except PatternError as exc:
                checker.add(
                    "INVALID_PATTERN",
                    f'{what}: sku_glob "{glob}" is not a valid pattern: {exc}',
                    (*path, "sku_glob"),
                )
                usable = False
        if not usable or targets is None:
            continue
        rule = Rule(
            id=rule_id,
            warehouse_ids=targets,
            priority=priority,
            skus=conditions["sku"],
            sku_prefixes=conditions["sku_prefix"],
            sku_globs=conditions["sku_glob"],
            categories=conditions["category"],
            shops=conditions["shop"],
            line=checker.line(path),
            _glob_regexes=tuple(regexes),
        )
        rules.append((rule, path))
        canonical.append(
            {key: value for key, value in rule.to_dict().items() if key not in ("line", "default")}
        )
    return rules, canonical


def canonical_form(
    warehouses: Mapping[str, Warehouse], canonical_rules: list[dict[str, Any]], default: str | None
) -> dict[str, Any]:
    """What the config hash covers: the declared content with lists and phones normalised.

    Comments, key order, whitespace and TOML-versus-YAML do not change it; a changed address, phone,
    contact, rule or priority does. The normalised addresses are NOT part of it (they depend on the
    division data version); the ledger records the exact address string given instead.
    """
    return {
        "format": FORMAT_VERSION,
        "warehouses": [
            {
                "id": w.id,
                "name": w.name,
                "contact": w.contact_name,
                "phone": w.phone_e164,
                "address": w.address,
            }
            for w in warehouses.values()
        ],
        "rules": canonical_rules,
        "default": default,
    }


def load_config_text(
    text: str, fmt: str, *, source: str = "<config>", policy: str = "strict"
) -> WarehouseConfig:
    """Validate a warehouse file given as text.

    Args:
        text: the file's content.
        fmt: "toml" or "yaml".
        source: the name used in problem messages (a path, "<api>").
        policy: the address policy warehouses must pass; "strict" unless you know why not.

    Result: the validated configuration.
    Errors: ``ConfigError`` with ``problems`` (``ConfigProblem``, sorted by line) listing every problem.
    """
    if fmt not in FORMATS:
        problem = ConfigProblem(
            "UNKNOWN_FORMAT", f'format "{fmt}" is not one of: {", ".join(FORMATS)}', None, source
        )
        raise ConfigError(str(problem), problems=[problem])
    _check_text(text, source)
    document, locations, parse_problems = _parse(text, fmt, source)
    checker = _Checker(source, locations)
    _check_document_shape(document, checker)
    checker.problems.extend(parse_problems)
    if not isinstance(document, dict):
        checker.add("WRONG_TYPE", "the file must hold a table of warehouses and rules", line=1)
        _raise(checker, source)
        raise AssertionError("unreachable")
    checker.keys(document, _TOP_KEYS, (), "the top level")

    warehouses = _read_warehouses(checker, document, policy)
    raw_warehouses = document.get("warehouses")
    declared = {
        w["id"]
        for w in (raw_warehouses if isinstance(raw_warehouses, list) else [])
        if isinstance(w, dict) and isinstance(w.get("id"), str)
    }
    rules, canonical_rules = _read_rules(checker, document, declared)

    default: Rule | None = None
    routing = document.get("routing", {})
    if not isinstance(routing, dict):
        checker.add("WRONG_TYPE", '"routing" must be a table ([routing])', ("routing",))
    else:
        checker.keys(routing, _ROUTING_KEYS, ("routing",), "[routing]")
        target = checker.text(routing, "default", ("routing",), "[routing]", required=False)
        if target is not None:
            if target not in declared:
                checker.add(
                    "UNKNOWN_WAREHOUSE",
                    f'[routing] default points at warehouse "{target}", which is not defined',
                    ("routing", "default"),
                )
            else:
                default = Rule(
                    id=DEFAULT_RULE_ID,
                    warehouse_ids=(target,),
                    line=checker.line(("routing", "default")),
                    is_default=True,
                )
    _check_rules(checker, rules)
    if checker.problems:
        _raise(checker, source)
    canonical = canonical_form(warehouses, canonical_rules, default.warehouse_ids[0] if default else None)
    digest = hashlib.sha256(
        json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    return WarehouseConfig(
        warehouses=warehouses,
        rules=tuple(rule for rule, _path in rules),
        default=default,
        config_hash=digest,
        source=source,
    )


def _raise(checker: _Checker, source: str) -> None:
    problems = sorted(checker.problems, key=lambda p: (p.line or 0, p.code))
    count = len(problems)
    summary = f"{source}: {count} problem{'s' if count != 1 else ''} in the warehouse file"
    raise ConfigError("\n".join([summary, *(str(p) for p in problems)]), problems=problems)


def format_for(path: str | Path) -> str:
    """ "toml" or "yaml" from a file name; ConfigError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    problem = ConfigProblem(
        "UNKNOWN_FORMAT",
        f'cannot tell the format from "{suffix or "no suffix"}"; use .toml, .yaml or .yml',
        None,
        str(path),
    )
    raise ConfigError(str(problem), problems=[problem])


def load_config(path: str | Path, *, policy: str = "strict") -> WarehouseConfig:
    """Read and validate a warehouse file (format from its suffix: .toml, .yaml, .yml).

    Errors: ``ConfigError`` (code CONFIG_INVALID) listing every problem, including an unreadable file.
    """
    fmt = format_for(path)
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)  # a larger file is refused without reading it all
        if len(data) > MAX_CONFIG_BYTES:
            raise _problem("TOO_LARGE", f"the file is larger than {MAX_CONFIG_BYTES} bytes", None, str(path))
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        problem = ConfigProblem("READ_ERROR", f"cannot read the file: {reason}", None, str(path))
        raise ConfigError(str(problem), problems=[problem]) from None
    return load_config_text(text, fmt, source=str(path), policy=policy)
