"""Finding a property: premise search by parcel and address keys, and the neighbour map.

The search uses the expressions the premise indexes were built on (Replace(apn,'-','') and
the 'simple' address search vector), so each key is an index lookup. The neighbour map is
computed from the stored coordinates in one query (a latitude/longitude box around the
premise, nearest first) and drawn as inline SVG with the same neighbours listed as text.

Importing this module registers the premise page's "Neighbours and map" panel.
"""

import math
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Replace

from field_ops.models import Premise

FINDER_LIMIT = 100
# A partial APN must have this many digits before it is searched as a prefix.
APN_PREFIX_MIN = 3
APN_DIGITS = 8
# The address search vector, as indexed (premise_address_search_idx).
ADDRESS_FIELDS = ("house_number", "street", "unit", "city")
# "Main & Oak", "Main / Oak", "Main and Oak", "Main at Oak": a street and its cross street.
CROSS_SEPARATOR = re.compile(r"\s*(?:&|/|@|\band\b|\bat\b)\s*", re.IGNORECASE)

# -- the neighbour map
NEIGHBOURS = 12
# Half the side of the box searched around the premise, in degrees of latitude (~1.1 km).
BOX_DEGREES = 0.01
METRES_PER_DEGREE = 111_320  # of latitude (and of longitude at the equator)
MAP_WIDTH, MAP_HEIGHT, MAP_PADDING = 360, 260, 26
# Closest zoom: the map shows at least this many metres from the premise to the edge.
MIN_MAP_RADIUS_METRES = 60
SCALE_BAR_STEPS_METRES = (10, 20, 25, 50, 100, 200, 250, 500, 1000)
PREMISE_FILL, NEIGHBOUR_FILL, INK, GRID = "#842029", "#0b5ed7", "#212529", "#ced4da"
COMPASS = (
    "north",
    "north-east",
    "east",
    "south-east",
    "south",
    "south-west",
    "west",
    "north-west",
)


# -- search


@dataclass(frozen=True)
class FinderResult:
    premises: list[Premise]
    truncated: bool  # more matched than are shown
    searched: bool  # at least one key was given


def compact_apn(typed: str) -> str:
    """The APN without dashes or spaces, as the index holds it ("123-456-78" -> "12345678")."""
    return re.sub(r"[\s-]", "", typed or "")


def _cases(value: str) -> list[str]:
    """The typed value as typed, in capitals and in lower case (exact, index-friendly matches)."""
    return sorted({value, value.upper(), value.lower()})


def _address_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", (text or "").lower())


def _apn_filter(typed: str):
    digits = compact_apn(typed)
    compact = Replace("apn", Value("-"), Value(""))
    if len(digits) >= APN_DIGITS:
        return Q(apn_compact=digits), compact
    return Q(apn_compact__startswith=digits), compact


def _cross_street_filter(text: str) -> Q:
    parts = [part for part in CROSS_SEPARATOR.split(text, maxsplit=1) if part]
    if len(parts) == 2:
        street, cross = parts
        return Q(street__icontains=street, cross_street__icontains=cross) | Q(
            street__icontains=cross, cross_street__icontains=street
        )
    return Q(cross_street__icontains=text)


def premise_find(
    *,
    apn: str = "",
    tract: str = "",
    lot: str = "",
    map_book: str = "",
    map_page: str = "",
    address: str = "",
    cross_street: str = "",
    limit: int = FINDER_LIMIT,
) -> FinderResult:
    """Premises matching every key given, at most `limit` of them (one query).

    Keys: APN with or without dashes (or its first digits), tract, lot, map book, map page,
    an address in part ("123 main"), a cross street ("Oak" or "Main & Oak").
    """
    keys = {
        name: (value or "").strip()
        for name, value in {
            "apn": apn,
            "tract": tract,
            "lot": lot,
            "map_book": map_book,
            "map_page": map_page,
            "address": address,
            "cross_street": cross_street,
        }.items()
    }
    premises = Premise.objects.all()
    if keys["apn"]:
        condition, compact = _apn_filter(keys["apn"])
        premises = premises.annotate(apn_compact=compact).filter(condition)
    for name in ("tract", "lot", "map_book", "map_page"):
        if keys[name]:
            premises = premises.filter(**{f"{name}__in": _cases(keys[name])})
    ordering = ["street", "house_number", "unit", "id"]
    words = _address_words(keys["address"])
    if words:
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), search_type="raw", config="simple"
        )
        numbers = [word for word in words if word.isdigit()]
        premises = premises.annotate(
            address_vector=SearchVector(*ADDRESS_FIELDS, config="simple"),
            # "123 main": the house numbered exactly 123 before 1234 and 12300.
            exact_number=Case(
                When(house_number__in=numbers, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        ).filter(address_vector=query)
        ordering.insert(0, "exact_number")
    elif keys["address"]:
        premises = premises.none()  # only punctuation was typed
    if keys["cross_street"]:
        premises = premises.filter(_cross_street_filter(keys["cross_street"]))
    searched = any(keys.values())
    if not searched:
        return FinderResult(premises=[], truncated=False, searched=False)
    found = list(premises.order_by(*ordering)[: limit + 1])
    return FinderResult(premises=found[:limit], truncated=len(found) > limit, searched=True)


# -- neighbours and the map


@dataclass(frozen=True)
class Neighbour:
    premise: Premise
    distance_metres: int
    direction: str  # "north-east"
    x: float  # position on the map (SVG user units)
    y: float

    @property
    def where(self) -> str:
        """'53 m north-east', or 'at the same spot' (e.g. units sharing one parcel point)."""
        if self.distance_metres == 0:
            return "at the same spot"
        return f"{self.distance_metres} m {self.direction}"


def _offset_metres(origin: Premise, other: Premise) -> tuple[float, float]:
    """(east, north) metres from origin to other (flat-earth: fine over a kilometre)."""
    latitude = float(origin.latitude)
    north = (float(other.latitude) - latitude) * METRES_PER_DEGREE
    east = (
        (float(other.longitude) - float(origin.longitude))
        * METRES_PER_DEGREE
        * math.cos(math.radians(latitude))
    )
    return east, north


def _direction(east: float, north: float) -> str:
    if east == 0 and north == 0:
        return "at the same spot"
    bearing = math.degrees(math.atan2(east, north)) % 360
    return COMPASS[round(bearing / 45) % 8]


def nearest_premises(premise: Premise, *, limit: int = NEIGHBOURS) -> list[Premise]:
    """The premises nearest this one within a box of about a kilometre (one query)."""
    if premise.latitude is None or premise.longitude is None:
        return []
    latitude, longitude = float(premise.latitude), float(premise.longitude)
    shrink = max(math.cos(math.radians(latitude)), 0.01)  # degrees of longitude get shorter
    box_longitude = BOX_DEGREES / shrink
    north = Cast("latitude", FloatField()) - Value(latitude)
    east = (Cast("longitude", FloatField()) - Value(longitude)) * Value(shrink)
    return list(
        Premise.objects.filter(
            latitude__range=(latitude - BOX_DEGREES, latitude + BOX_DEGREES),
            longitude__range=(longitude - box_longitude, longitude + box_longitude),
        )
        .exclude(pk=premise.pk)
        .annotate(distance_squared=north * north + east * east)
        .order_by(F("distance_squared").asc(), "id")[:limit]
    )


def _scale_bar(metres_per_unit: float) -> dict:
    """A round length that takes about a quarter of the map's width."""
    target = MAP_WIDTH / 4 * metres_per_unit
    metres = min(SCALE_BAR_STEPS_METRES, key=lambda step: abs(step - target))
    x, y = MAP_PADDING / 2, MAP_HEIGHT - MAP_PADDING / 2
    return {
        "metres": metres,
        "x1": x,
        "x2": round(x + metres / metres_per_unit, 1),
        "y": y,
        "label_y": y - 5,
    }


def neighbour_map(premise: Premise, *, limit: int = NEIGHBOURS) -> dict:
    """The premise in the middle of a small map, its nearest neighbours around it.

    Equal scales north-south and east-west (the map is not stretched); north is up.
    """
    if premise.latitude is None or premise.longitude is None:
        return {"located": False, "neighbours": []}
    found = nearest_premises(premise, limit=limit)
    offsets = [_offset_metres(premise, other) for other in found]
    radius = max(
        [MIN_MAP_RADIUS_METRES]
        + [abs(east) * MAP_HEIGHT / MAP_WIDTH for east, _ in offsets]
        + [abs(north) for _, north in offsets]
    )
    # Units per metre so that the farthest neighbour sits inside the padding.
    units_per_metre = (MAP_HEIGHT / 2 - MAP_PADDING) / radius
    center_x, center_y = MAP_WIDTH / 2, MAP_HEIGHT / 2
    neighbours = [
        Neighbour(
            premise=other,
            distance_metres=round(math.hypot(east, north)),
            direction=_direction(east, north),
            x=round(center_x + east * units_per_metre, 1),
            y=round(center_y - north * units_per_metre, 1),
        )
        for other, (east, north) in zip(found, offsets, strict=True)
    ]
    return {
        "located": True,
        "neighbours": neighbours,
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "center_x": center_x,
        "center_y": center_y,
        "marker": {"x": center_x - 7, "y": center_y - 7, "size": 14},
        "scale": _scale_bar(1 / units_per_metre),
        "north": {
            "x": MAP_WIDTH - MAP_PADDING / 2,
            "label_y": MAP_PADDING - 6,
            "y1": MAP_PADDING - 2,
            "y2": MAP_PADDING + 10,
        },
        "colors": {
            "premise": PREMISE_FILL,
            "neighbour": NEIGHBOUR_FILL,
            "ink": INK,
            "grid": GRID,
        },
    }


def gis_url(premise: Premise) -> str:
    """A link to the premise in the district's GIS (settings.GIS_URL_TEMPLATE), or "".

    The template may use {apn}, {lat} and {lng}, e.g.
    "https://gis.example.org/?apn={apn}&lat={lat}&lng={lng}".
    """
    template = getattr(settings, "GIS_URL_TEMPLATE", "") or ""
    if not template:
        return ""
    try:
        return template.format(
            apn=quote(premise.apn or "", safe="-"),
            lat="" if premise.latitude is None else premise.latitude,
            lng="" if premise.longitude is None else premise.longitude,
        )
    except (KeyError, IndexError, ValueError):
        return ""  # a mistyped template must not break the premise page


def neighbours_panel(request, *, premise: Premise, **_page_context) -> dict:
    return {"map": neighbour_map(premise), "gis_url": gis_url(premise)}
