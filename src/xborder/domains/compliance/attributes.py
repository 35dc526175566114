"""Product attributes that decide which conformity rules apply, read from a product row or inferred.

An attribute is ``True``/``False`` when stated and ``None`` when unknown. :meth:`ProductAttributes.infer`
fills unknown attributes from the product's category and title keywords and records every filled
attribute in ``inferred``, so an answer can say which requirements rest on a guess.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

from xborder.catalog import CATEGORY_IDS
from xborder.core.errors import BadInputError

__all__ = ["BATTERY_TYPES", "ProductAttributes"]

BATTERY_TYPES = ("li-ion", "li-metal", "button", "nimh", "alkaline", "lead-acid")
_BATTERY_ALIASES = {
    "li": "li-ion",
    "lithium": "li-ion",
    "lithium-ion": "li-ion",
    "li-po": "li-ion",
    "lipo": "li-ion",
    "li-polymer": "li-ion",
    "coin": "button",
    "button-cell": "button",
    "coin-cell": "button",
    "ni-mh": "nimh",
    "lead": "lead-acid",
}

# Category -> attributes that goods of that category usually have (used only for unknown attributes).
_CATEGORY_DEFAULTS: dict[str, dict[str, Any]] = {
    "consumer_electronics": {"electronic": True, "battery": True},
    "lighting": {"electronic": True},
    "toys_games": {"for_children": True},
    "baby": {"for_children": True, "age_min": 0.0},
    "apparel": {"textile_fibres": "unspecified"},
    "furniture": {"furniture": True},
    "beauty_personal_care": {"cosmetic": True},
    "health_medical": {"medical_claims": True},
}

# Title keyword patterns -> attribute value (word-boundary regexes on the lower-cased title).
_TITLE_RULES: list[tuple[str, str, Any]] = [
    ("wireless", r"\b(bluetooth|wi-?fi|wireless|zigbee|nfc|2\.4 ?ghz|walkie|rc car|remote control)\b", True),
    ("connected", r"\b(wi-?fi|smart (home|plug|speaker|watch|bulb)|alexa|app[- ]controlled|iot)\b", True),
    (
        "battery",
        r"\b(batter(y|ies)|rechargeable|power ?bank|mah|cordless|battery[- ]operated|cr2032|lr44)\b",
        True,
    ),
    (
        "mains",
        r"\b(mains|plug[- ]in|220 ?v|230 ?v|110 ?v|ac adapter|kettle|heater|hair dryer|toaster)\b",
        True,
    ),
    (
        "electronic",
        r"\b(led|usb|electric|electronic|digital|lamp|charger|speaker|headphones?|earphones?|radio)\b",
        True,
    ),
    ("for_children", r"\b(toys?|kids?|kid's|children'?s?|child|bab(y|ies)|infant|toddler|nursery)\b", True),
    (
        "food_contact",
        r"\b(mugs?|cups?|plates?|bowls?|cutlery|spoons?|forks?|lunch ?box|bottles?|jars?|tea ?pot|teapot|"
        r"kettle|baking|cake (tin|stand|case)s?|tumblers?|beakers?|chopsticks|saucers?|jelly moulds?)\b",
        True,
    ),
    (
        "cosmetic",
        r"\b(lipstick|lip balm|lotion|shampoo|perfume|make-?up|nail polish|cosmetics?|bb cream|concealer|"
        r"foundation cream|face cream)\b",
        True,
    ),
    (
        "textile_fibres",
        r"\b(cotton|polyester|linen|wool|silk|fabric|felt|cushion cover|t-?shirt|dress|scarf|blanket|"
        r"towel|apron|tote|knitted)\b",
        "unspecified",
    ),
    (
        "furniture",
        r"\b(chairs?|tables?|shel(f|ves)|cabinet|drawers?|stool|sofa|bed frame|wardrobe|dresser|bookcase)\b",
        True,
    ),
    ("medical_claims", r"\b(thermometer|medical|blood pressure|pain relief|therapy|ems massager)\b", True),
]
# HS headings (first 4 digits, or 2-digit chapters) that map to one category without doubt.
_HS_CATEGORY: dict[str, str] = {
    "9503": "toys_games",
    "9504": "toys_games",
    "9505": "party_seasonal",
    "9506": "sports_outdoors",
    "3303": "beauty_personal_care",
    "3304": "beauty_personal_care",
    "3305": "beauty_personal_care",
    "3307": "beauty_personal_care",
    "61": "apparel",
    "62": "apparel",
    "64": "footwear",
    "42": "bags_luggage",
    "7113": "jewelry_watches",
    "7117": "jewelry_watches",
    "9101": "jewelry_watches",
    "9102": "jewelry_watches",
    "9401": "furniture",
    "9403": "furniture",
    "9405": "lighting",
    "8517": "consumer_electronics",
    "8518": "consumer_electronics",
    "8471": "consumer_electronics",
    "8528": "consumer_electronics",
    "8507": "consumer_electronics",
    "8504": "consumer_electronics",
    "8516": "home_kitchen",
}


def _category_from_hs(hs_code: str) -> str | None:
    return _HS_CATEGORY.get(hs_code[:4]) or _HS_CATEGORY.get(hs_code[:2])


_BUTTON_RE = re.compile(r"\b(button cell|coin cell|cr20\d\d|lr4\d|ag\d{1,2})\b")
_AGE_RE = re.compile(r"\b(?:ages?\s*)?(\d{1,2})\s*(?:\+|years? and up|yrs?\+)")


def _opt_bool(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        v = value.strip().lower()
        if v in {"", "nan", "none", "null"}:
            return None
        if v in {"1", "true", "yes", "y", "t"}:
            return True
        if v in {"0", "false", "no", "n", "f"}:
            return False
        return None
    return bool(value)


def _opt_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _opt_str(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    return s or None


@dataclass(frozen=True)
class ProductAttributes:
    """What a product is, as far as conformity rules care. ``None`` means unknown."""

    category: str | None = None
    hs_code: str | None = None
    title: str | None = None
    origin: str = "CN"
    battery: bool | None = None
    battery_type: str | None = None
    battery_wh: float | None = None
    battery_removable: bool | None = None
    wireless: bool | None = None
    mains: bool | None = None
    electronic: bool | None = None
    for_children: bool | None = None
    age_min: float | None = None
    food_contact: bool | None = None
    cosmetic: bool | None = None
    textile_fibres: str | None = None
    furniture: bool | None = None
    medical_claims: bool | None = None
    connected: bool | None = None
    inferred: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.category is not None and self.category not in CATEGORY_IDS:
            raise BadInputError(
                f"Unknown category {self.category!r}.",
                hint="Use one of the category ids of src/xborder/catalog/data/categories.csv: "
                + ", ".join(CATEGORY_IDS),
            )
        if self.age_min is not None and (self.age_min < 0 or self.age_min > 18):
            raise BadInputError(
                f"The age for --for-children must be between 0 and 18 years. Got {self.age_min:g}.",
                hint="Give the youngest age the product is meant for, e.g. --for-children 3 for a toy for ages 3+.",
            )
        if self.battery_wh is not None and self.battery_wh < 0:
            raise BadInputError(f"Battery energy must be >= 0 Wh. Got {self.battery_wh:g}.")
        if self.battery_type is not None:
            bt = _BATTERY_ALIASES.get(self.battery_type.lower(), self.battery_type.lower())
            if bt not in BATTERY_TYPES:
                raise BadInputError(
                    f"Unknown battery type {self.battery_type!r}.",
                    hint="Use one of: " + ", ".join(BATTERY_TYPES),
                )
            object.__setattr__(self, "battery_type", bt)
        if self.hs_code is not None:
            digits = re.sub(r"[.\s]", "", self.hs_code)
            if not digits.isdigit() or len(digits) < 4:
                raise BadInputError(
                    f"HS code {self.hs_code!r} must have at least 4 digits (e.g. 851822 or 8518.22)."
                )
            object.__setattr__(self, "hs_code", digits)

    @classmethod
    def from_product_row(cls, row: Any) -> ProductAttributes:
        """Attributes from a ``products`` row (mapping or namedtuple) and its ``attributes`` JSON."""
        get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
        extra: dict[str, Any] = {}
        raw = get("attributes", None)
        if isinstance(raw, str) and raw.strip():
            try:
                extra = json.loads(raw)
            except json.JSONDecodeError:
                extra = {}
        elif isinstance(raw, dict):
            extra = raw
        electrical = _opt_bool(get("electrical", None))
        age = _opt_float(extra.get("age_min", extra.get("for_children_age")))
        fibres = _opt_str(extra.get("textile_fibres", extra.get("fibre_content", extra.get("fiber_content"))))
        category = _opt_str(get("category", None))
        return cls(
            category=category if category in CATEGORY_IDS else None,
            hs_code=_opt_str(get("hs_code", None)) if _valid_hs(get("hs_code", None)) else None,
            title=_opt_str(get("title", None)),
            origin=_opt_str(get("origin_country", None)) or "CN",
            battery=_opt_bool(get("battery", None)),
            battery_type=_opt_str(extra.get("battery_type"))
            if _valid_battery(extra.get("battery_type"))
            else None,
            battery_wh=_opt_float(extra.get("battery_wh")),
            battery_removable=_opt_bool(extra.get("battery_removable")),
            wireless=_opt_bool(get("radio", None)),
            mains=_opt_bool(extra.get("mains")) if "mains" in extra else None,
            electronic=electrical,
            for_children=_opt_bool(get("for_children", None)),
            age_min=age if age is not None and 0 <= age <= 18 else None,
            food_contact=_opt_bool(get("food_contact", None)),
            cosmetic=_opt_bool(extra.get("cosmetic")),
            textile_fibres=fibres,
            furniture=_opt_bool(extra.get("furniture")),
            medical_claims=_opt_bool(extra.get("medical_claims")),
            connected=_opt_bool(extra.get("connected")),
        )

    def with_stated(self, **values: Any) -> ProductAttributes:
        """A copy with user-stated values (CLI flags) applied; ``None``/``False`` mean "not said", not "no".

        ``battery_type``/``battery_wh`` imply a battery, ``age_min`` implies a children's product, and
        ``mains``/``wireless``/``connected`` imply electrical equipment.
        """
        known = {f.name for f in fields(self)} - {"inferred"}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown attributes {sorted(unknown)}")
        said = {k: v for k, v in values.items() if v is not None and v is not False}
        if "origin" in said:
            said["origin"] = str(said["origin"]).upper()
        if "battery_type" in said or "battery_wh" in said:
            said["battery"] = True
        if "age_min" in said:
            said["for_children"] = True
        if said.get("mains") or said.get("wireless") or said.get("connected"):
            said["electronic"] = True
        return replace(self, **said)

    def with_suggested_hs(self) -> ProductAttributes:
        """When neither category nor HS code is known, take the HS code suggested from the title if its
        confidence band is high (marked inferred); otherwise return self unchanged."""
        if self.category is not None or self.hs_code is not None or not self.title:
            return self
        from xborder.domains.compliance.hs import suggest_hs

        best = suggest_hs(self.title, top=1)
        if not best or best[0].confidence_band != "high":
            return self
        return replace(self, hs_code=best[0].hs6, inferred=self.inferred | {"hs_code"})

    def infer(self) -> ProductAttributes:
        """A copy with unknown attributes filled from the HS code, category defaults and title keywords.

        Every filled attribute is listed in ``inferred``. A missing category is taken from the HS
        heading when it clearly belongs to one category (9503 -> toys_games, 64 -> footwear, ...).
        """
        changes: dict[str, Any] = {}
        if self.category is None and self.hs_code:
            cat = _category_from_hs(self.hs_code)
            if cat is not None:
                changes["category"] = cat
        category = changes.get("category", self.category)
        title = (self.title or "").lower()
        for name, pattern, value in _TITLE_RULES:
            if getattr(self, name) is None and title and re.search(pattern, title):
                changes[name] = value
        for name, value in _CATEGORY_DEFAULTS.get(category or "", {}).items():
            if getattr(self, name) is None and name not in changes:
                changes[name] = value
        merged = {**{f.name: getattr(self, f.name) for f in fields(self)}, **changes}
        if merged["battery"] and merged["battery_type"] is None:
            changes["battery_type"] = "button" if _BUTTON_RE.search(title) else "li-ion"
        if merged["for_children"] and merged["age_min"] is None and title:
            m = _AGE_RE.search(title)
            if m and int(m.group(1)) <= 18:
                changes["age_min"] = float(m.group(1))
        return replace(self, **changes, inferred=self.inferred | frozenset(changes))

    def flags(self) -> dict[str, Any]:
        """The terms rule conditions are written in (see ``compliance.rules``); unknown counts as False."""
        battery = bool(self.battery) or self.battery_type is not None or (self.battery_wh or 0) > 0
        radio = bool(self.wireless)
        eee = bool(self.electronic) or bool(self.mains) or radio or battery or bool(self.connected)
        return {
            "all": True,
            "eee": eee,
            "mains": bool(self.mains),
            "radio": radio,
            "connected": bool(self.connected),
            "battery": battery,
            "battery_li": battery and self.battery_type in (None, "li-ion", "li-metal"),
            "battery_button": battery and self.battery_type == "button",
            "battery_removable": bool(self.battery_removable),
            "children": bool(self.for_children),
            "toy": self.category == "toys_games",
            "food_contact": bool(self.food_contact),
            "cosmetic": bool(self.cosmetic),
            "textile": bool(self.textile_fibres) or self.category == "apparel",
            "footwear": self.category == "footwear",
            "furniture": bool(self.furniture) or self.category == "furniture",
            "lighting": self.category == "lighting",
            "medical": bool(self.medical_claims),
            "category": self.category or "",
            "age": self.age_min if self.for_children else None,
            "battery_wh": self.battery_wh,
        }

    def stated_only(self) -> ProductAttributes:
        """A copy with the inferred attributes set back to unknown."""
        unknown: dict[str, Any] = dict.fromkeys(self.inferred)
        return replace(self, **unknown, inferred=frozenset())

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["inferred"] = sorted(self.inferred)
        return d


def _valid_hs(value: Any) -> bool:
    digits = re.sub(r"[.\s]", "", _opt_str(value) or "")
    return digits.isdigit() and len(digits) >= 4


def _valid_battery(value: Any) -> bool:
    s = (_opt_str(value) or "").lower()
    return bool(s) and _BATTERY_ALIASES.get(s, s) in BATTERY_TYPES
