"""The systems compared: addrcheck, cpca and jionlp, behind one shape.

Each ``predict_*`` function takes a list of address strings and returns one :class:`Prediction` per
address: the admin values per level (full names, or None) and, where the system gives them, the span of
each component in the input. Peers' own placeholders are mapped to what they stand for, nothing more:
cpca's 市辖区/县 under a municipality is the municipality's city level (北京市), and its
省直辖县级行政区划 is "no city" (the county hangs under the province).
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SYSTEMS: tuple[str, ...] = ("addrcheck", "cpca", "jionlp")
_MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
_NO_CITY = frozenset({"省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True, slots=True)
class Prediction:
    admin: Mapping[str, str | None]
    # component name -> (start, end) in the input; None when the system gives no spans
    spans: Mapping[str, tuple[int, int]] | None = None
    status: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def predict_addrcheck(texts: Sequence[str]) -> list[Prediction]:
    """``addrcheck.validate`` with the default policy on each text."""
    import addrcheck

    predictions: list[Prediction] = []
    for text in texts:
        result = addrcheck.validate(text)
        components = result.components
        admin = {
            level: components[level].value if level in components else None
            for level in ("province", "city", "district", "town")
        }
        spans = {name: c.span for name, c in components.items() if c.span is not None}
        codes = {name: c.code for name, c in components.items() if c.code is not None}
        origins = {name: c.origin.value for name, c in components.items()}
        predictions.append(
            Prediction(
                admin,
                spans,
                result.status.value,
                {"codes": codes, "origins": origins, "reasons": result.reason_codes, "result": result},
            )
        )
    return predictions


def predict_cpca(texts: Sequence[str]) -> list[Prediction]:
    """``cpca.transform`` on the whole list at once, as its users call it; no town level, no spans."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

        frame = cpca.transform(list(texts))
    predictions: list[Prediction] = []
    for province, city, district in zip(frame["省"], frame["市"], frame["区"], strict=True):
        province_name, city_name = _clean(province), _clean(city)
        if city_name in {"市辖区", "县"} and province_name in _MUNICIPALITIES:
            city_name = province_name
        elif city_name in _NO_CITY:
            city_name = None
        admin = {"province": province_name, "city": city_name, "district": _clean(district), "town": None}
        predictions.append(Prediction(admin))
    return predictions


def predict_jionlp(texts: Sequence[str]) -> list[Prediction]:
    """``jionlp.parse_location(text, town_village=True)`` on each text; no spans."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import jionlp  # prints a banner on import

    predictions: list[Prediction] = []
    for text in texts:
        try:
            parsed = jionlp.parse_location(text, town_village=True)
        except Exception:  # a peer's crash on one input is a miss, not the end of the run
            parsed = {}
        admin = {
            "province": _clean(parsed.get("province")),
            "city": _clean(parsed.get("city")),
            "district": _clean(parsed.get("county")),
            "town": _clean(parsed.get("town")),
        }
        predictions.append(Prediction(admin))
    return predictions


PREDICTORS = {"addrcheck": predict_addrcheck, "cpca": predict_cpca, "jionlp": predict_jionlp}
