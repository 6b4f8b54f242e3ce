"""Validation policies: what an address must contain to be accepted.

Three presets: ``loose`` (a district and something that locates the place), ``default`` (what the
marketplaces ask of a return address: district, a street-level locator and a door or building number)
and ``strict`` (default plus the township, and no retired names; used for warehouse addresses).
A merchant can define a policy in a TOML file (see ``load_policy``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from addrcheck.errors import ConfigError

MAX_ADDRESS_LENGTH = 200  # characters; real addresses with a contact pasted in stay well below


@dataclass(frozen=True, slots=True)
class Policy:
    name: str = "default"
    require_province: bool = True
    require_city: bool = True
    require_district: bool = True
    require_town: bool = False
    require_locator: bool = True  # a road, POI, community or village below the county
    require_house_number: bool = True  # a door number on the road, or a building/room at the POI
    allow_outdated_names: bool = True  # retired names (襄樊) are warnings, not errors
    max_length: int = MAX_ADDRESS_LENGTH


PRESETS: dict[str, Policy] = {
    "loose": Policy(name="loose", require_house_number=False),
    "default": Policy(name="default"),
    "strict": Policy(name="strict", require_town=True, allow_outdated_names=False),
}


def get_policy(policy: Policy | str | None = None) -> Policy:
    """Return a policy object from a preset name, a Policy, or None (the default)."""
    if policy is None:
        return PRESETS["default"]
    if isinstance(policy, Policy):
        return policy
    try:
        return PRESETS[policy]
    except KeyError:
        names = ", ".join(sorted(PRESETS))
        raise ConfigError(f"unknown policy {policy!r}; choose one of: {names}") from None


def load_policy(path: str | Path) -> Policy:
    """Read a policy from the ``[policy]`` table of a TOML file.

    ``base = "strict"`` picks the preset to start from; every other key overrides one field.
    Unknown keys and wrong types are errors, listed all at once.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read policy file: {exc}") from exc
    table = document.get("policy", document)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [policy] must be a table")
    base = get_policy(str(table.get("base", "default")))
    known = {f.name: f.type for f in fields(Policy)}
    problems: list[str] = []
    changes: dict[str, object] = {}
    for key, value in table.items():
        if key == "base":
            continue
        if key not in known:
            problems.append(f"{path}: unknown policy key {key!r}")
            continue
        expected = int if key == "max_length" else str if key == "name" else bool
        if type(value) is not expected:
            problems.append(f"{path}: {key} must be {expected.__name__}, not {type(value).__name__}")
            continue
        changes[key] = value
    if problems:
        raise ConfigError("; ".join(problems), problems=problems)
    changes.setdefault("name", path.stem)
    return replace(base, **changes)  # type: ignore[arg-type]
