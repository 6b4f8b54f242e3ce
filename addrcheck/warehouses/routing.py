"""Which warehouse takes a SKU back: ``match_sku``.

Among the rules whose conditions all hold, the highest priority wins (the loader guarantees that at most
one rule of that priority can match). No matching rule: the ``[routing] default`` if the file has one,
otherwise ``RoutingError`` with code ``NO_WAREHOUSE_FOR_SKU``; there is never a silent fallback.
A rule may name several warehouses: the one nearest the buyer's county (great-circle distance between
county centroids) is chosen when the buyer's district is known and every candidate has coordinates;
otherwise the first one listed. The ``Match`` says which rule applied and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from addrcheck.errors import RoutingError
from addrcheck.warehouses.config import Rule, Warehouse, WarehouseConfig

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True, slots=True)
class Match:
    """The warehouse chosen for one SKU, and the reason."""

    sku: str
    warehouse: Warehouse
    rule: Rule
    eligible: tuple[str, ...]  # the warehouses the rule allowed, in file order
    distance_km: float | None  # buyer to the chosen warehouse, when the nearest one was picked
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "warehouse_id": self.warehouse.id,
            "rule_id": self.rule.id,
            "eligible": list(self.eligible),
            "distance_km": round(self.distance_km, 1) if self.distance_km is not None else None,
            "explanation": self.explanation,
        }


def _centroid(code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of the county holding ``code`` (a district or finer code), if known."""
    if code is None or len(code) < 6:
        return None
    from addrcheck.gazetteer import get_division

    division = get_division(code[:6])
    if division is None or division.latitude is None or division.longitude is None:
        return None
    return division.latitude, division.longitude


def distance_km(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _choose(
    config: WarehouseConfig, rule: Rule, buyer_district_code: str | None
) -> tuple[Warehouse, float | None, str]:
    candidates = [config.warehouses[warehouse_id] for warehouse_id in rule.warehouse_ids]
    if len(candidates) == 1:
        return candidates[0], None, f'warehouse "{candidates[0].id}"'
    listed = ", ".join(f'"{w.id}"' for w in candidates)
    buyer = _centroid(buyer_district_code)
    if buyer is None or buyer_district_code is None:
        why = (
            "buyer district not given"
            if buyer_district_code is None
            else f"no coordinates for {buyer_district_code}"
        )
        return candidates[0], None, f'warehouse "{candidates[0].id}", the first of {listed} ({why})'
    points = [_centroid(w.district_code) for w in candidates]
    if any(point is None for point in points):
        missing = next(w.id for w, point in zip(candidates, points, strict=True) if point is None)
        return (
            candidates[0],
            None,
            f'warehouse "{candidates[0].id}", the first of {listed} (no coordinates for "{missing}")',
        )
    distances = [distance_km(buyer, point) for point in points if point is not None]
    best = min(range(len(candidates)), key=lambda i: (distances[i], i))
    listing = ", ".join(f'"{w.id}" {d:.0f} km' for w, d in zip(candidates, distances, strict=True))
    return (
        candidates[best],
        distances[best],
        f'warehouse "{candidates[best].id}", the nearest to '
        f"buyer district {buyer_district_code[:6]} ({listing})",
    )


def match_sku(
    config: WarehouseConfig,
    sku: str,
    *,
    category: str | None = None,
    shop: str | None = None,
    buyer_district_code: str | None = None,
) -> Match:
    """The warehouse that takes ``sku`` back, the rule that chose it, and why.

    Args:
        config: a validated configuration (``load_config``).
        sku: matched exactly (case-sensitive) against sku, sku_prefix and sku_glob conditions.
        category, shop: the item's category and the order's shop; a rule with a category (shop) condition
            never matches an item without one.
        buyer_district_code: the buyer's county (or finer) division code; breaks ties between the
            warehouses of one rule by distance.

    Errors: ``RoutingError`` code ``NO_WAREHOUSE_FOR_SKU`` when no rule matches and there is no default;
    code ``AMBIGUOUS_RULES`` if two rules of the same priority match (impossible for a configuration
    from ``load_config``, which rejects such files).
    """
    matching = [rule for rule in config.rules if rule.matches(sku, category=category, shop=shop)]
    if matching:
        top = max(rule.priority for rule in matching)
        winners = [rule for rule in matching if rule.priority == top]
        if len(winners) > 1:
            names = ", ".join(f'"{rule.id}"' for rule in winners)
            raise RoutingError(
                f'SKU "{sku}" matches rules {names} of equal priority {top}', code="AMBIGUOUS_RULES"
            )
        rule = winners[0]
    elif config.default is not None:
        rule = config.default
    else:
        detail = "".join(
            f', {name} "{value}"'
            for name, value in (("category", category), ("shop", shop))
            if value is not None
        )
        raise RoutingError(
            f'no warehouse for SKU "{sku}"{detail}: no rule matches and the file has no [routing] default',
            code="NO_WAREHOUSE_FOR_SKU",
        )
    warehouse, distance, chosen = _choose(config, rule, buyer_district_code)
    if rule.is_default:
        explanation = f'SKU "{sku}" matched no rule; {rule.describe()}: {chosen}'
    else:
        explanation = f'SKU "{sku}" matched {rule.describe()}: {chosen}'
    return Match(sku, warehouse, rule, rule.warehouse_ids, distance, explanation)
