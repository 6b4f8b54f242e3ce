"""The fifth level: the village or community an address names, checked against NBS 2023's villages.

The street parser finds the community by its ending (村, 社区, 居委会, 村委会; ``street.py``). Here it is
looked up under the divisions read before it, and only there: village names are common words (东风村,
新华社区 in hundreds of counties), so a name is read only with its class word and after the township or
county it belongs to, never alone. What that gives:

- its 12-digit code, when the township has it, or (no township written) when one township of the
  county has it, and that township is then inferred (小关社区 after 朝阳区: 小关街道);
- which reading of an ambiguous division is meant, when the village is under exactly one of them and
  the text names a county or a city (鼓楼区丁家桥社区: 南京; 张家湾镇上店村 stays ambiguous);
- a warning (UNKNOWN_REGION, variant "village") when the township written does not have it and one
  other township of the county does. Never a contradiction: a village name alone is too weak for that.

The village table is loaded on the first address that gets this far (``Gazetteer.villages``).
"""

from __future__ import annotations

import re

from addrcheck import messages
from addrcheck.admin import AdminMatch
from addrcheck.gazetteer import DISTRICT, Gazetteer
from addrcheck.models import Component, Origin, Reason, ReasonCode, Severity
from addrcheck.street import parse_street
from addrcheck.villages import Village, split_class

# A production group or team after the village (东关村3组, 红星村二队): part of the village, not of its name.
_GROUP_AFTER = re.compile("(?:[0-9]+|[一二三四五六七八九十百]+)(?:组|队|社)$")


def village_name(community: str) -> str:
    """The village's name in a community component (东关村3组 -> 东关村); "" if it has no class word."""
    name = _GROUP_AFTER.sub("", community)
    return name if split_class(name)[1] else ""


def settle_by_village(admin: AdminMatch, folded: str, gazetteer: Gazetteer) -> None:
    """Of equally good readings (朝阳区: 北京 or 长春), keep the one whose county or township has the village
    written after the divisions, when exactly one has it, and the text names a county or a city: a
    township's name and a village's alone (张家湾镇上店村) are two common words, too little to place."""
    chains = [admin.chain, *admin.alternatives]
    if any(chain[-1].entry.level < DISTRICT for chain in chains):
        return  # a city's villages are too many to tell anything by
    if not any(node.entry.level <= DISTRICT for node in admin.chain):
        return
    name = _community_after(admin, folded)
    if not name:
        return
    having = [chain for chain in chains if _villages_under(gazetteer, chain[-1].code, name)]
    if len(having) == 1:
        admin.chain, admin.alternatives = having[0], []


def _community_after(admin: AdminMatch, folded: str) -> str:
    """The village name of the first community the street parser finds after the divisions."""
    parts, _, _ = parse_street(folded, admin.end, len(folded), town_known=False)
    community = next((part for part in parts if part.name == "community"), None)
    return village_name(community.value) if community is not None else ""


def _villages_under(gazetteer: Gazetteer, code: str, name: str) -> tuple[Village, ...]:
    return gazetteer.villages.named(name, gazetteer.villages_in(code))


def place_community(
    components: dict[str, Component], gazetteer: Gazetteer, text: str, notes: list[Reason]
) -> None:
    """Give the community its village code, infer the township from it, or warn of a township mismatch."""
    community = components.get("community")
    if community is None or community.span is None:
        return
    name = village_name(community.value)
    town, county = components.get("town"), _county_of(components, gazetteer)
    if not name or not county or not _after_divisions(community, town, components):
        return
    if town is not None and town.code is not None:
        found = _villages_under(gazetteer, town.code, name)
        if len(found) == 1:
            components["community"] = _with_code(community, found[0])
            return
        if not found:
            _warn_if_elsewhere(components, gazetteer, text, notes, name, county.code or "", town.code)
        return
    found = _villages_under(gazetteer, county.code or "", name)
    if len(found) != 1:
        return
    village = found[0]
    components["community"] = _with_code(community, village)
    if town is None:
        # No township written: the village's, as an inferred parent (like a county inferred from its town).
        components["town"] = Component(
            gazetteer.name_of[village.town_code], village.town_code, None, Origin.INFERRED
        )


def _county_of(components: dict[str, Component], gazetteer: Gazetteer) -> Component | None:
    """The county component, or the city when it has no county level (东莞); None when neither is coded."""
    district = components.get("district")
    if district is not None and district.code is not None:
        return district
    city = components.get("city")
    if city is not None and city.code in gazetteer.countyless_cities:
        return city
    return None


def _after_divisions(community: Component, town: Component | None, components: dict[str, Component]) -> bool:
    """Whether the community is written after the township, or the county when no township is written."""
    assert community.span is not None
    before = town if town is not None and town.span is not None else components.get("district")
    if before is None or before.span is None:
        before = components.get("city")
    return before is not None and before.span is not None and community.span[0] >= before.span[1]


def _with_code(community: Component, village: Village) -> Component:
    return Component(community.value, village.code, community.span, community.origin)


def _warn_if_elsewhere(
    components: dict[str, Component],
    gazetteer: Gazetteer,
    text: str,
    notes: list[Reason],
    name: str,
    county: str,
    town: str,
) -> None:
    """The township written has no such village, and exactly one other township of the county has it."""
    found = [v for v in _villages_under(gazetteer, county, name) if v.town_code != town]
    if len(found) != 1:
        return
    community = components["community"]
    assert community.span is not None
    start, end = community.span
    notes.append(
        messages.reason(
            ReasonCode.UNKNOWN_REGION,
            (start, end),
            severity=Severity.WARNING,
            variant="village",
            name=text[start:end],
            town=gazetteer.name_of[town],
            county=gazetteer.name_of[county],
            other=gazetteer.name_of[found[0].town_code],
        )
    )


__all__ = ["place_community", "settle_by_village", "village_name"]
