"""The rate schedule file (docs/rates.md): parse the YAML and validate it into a plain dict.

`parse_schedule(text)` returns the *parsed* schedule the engine reads and the database keeps
(JSON-safe: money and rates as decimal strings, dates as ISO strings, meter groups expanded,
defaults filled in). Every mistake is reported with the path of the key and what is wrong, e.g.
"volumetric.tiers[2].up_to: must be larger than the previous tier (10)", all at once.

Numbers in the file are read as Decimal, never float: `rate: 4.5960` and `rate: "4.5960"`
mean the same.
"""

import re
from decimal import Decimal, InvalidOperation

import yaml

from billing.rates import sections
from billing.rates.checks import (
    Errors,
    choice,
    iso_date,
    mapping,
    number,
    plain,
    text,
    whole_number,
)
from billing.rates.terms import (
    DEFAULT_PERIOD_DAYS,
    DEFAULT_WHOLE_PERIODS,
    FORMAT_VERSION,
    METER_SIZES,
    PERIOD_MONTHS,
    SLUG,
    UNIT_LABELS,
)
from district.errors import ServiceError

TOP_LEVEL = {  # all optional here: the header reports a missing schedule, name or date
    "format": False,
    "schedule": False,
    "name": False,
    "effective_from": False,
    "reference": False,
    "notes": False,
    "unit": False,
    "period": False,
    "period_days": False,
    "whole_periods": False,
    "meter_groups": False,
    "zones": False,
    "default_zone": False,
    "service_charge": False,
    "volumetric": False,
    "surcharges": False,
    "sewer": False,
    "minimum_charge": False,
    "late_penalty": False,
}


# A real schedule is a few thousand characters nested five or six levels deep. Past these
# bounds the text is refused before PyYAML reads it: its scanner slows quadratically with
# nested brackets (5,000 `[` take seconds) and its composer recurses once per level.
MAX_SCHEDULE_CHARS = 250_000  # above the 200 KB a schedule file may have
MAX_NESTING = 20
# Comments (a # at a line's start or after a space) hold no structure; every other bracket is
# counted, quoted ones too, which can only over-count: a quote cannot hide brackets.
_COMMENTS = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.M)
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """How deeply flow collections ([...], {...}) nest, by counting brackets."""
    depth = deepest = 0
    for bracket in _FLOW_BRACKETS.findall(_COMMENTS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


class _Loader(yaml.SafeLoader):
    """Safe YAML with decimal numbers, no silently repeated keys, no aliases, bounded nesting.

    Aliases (*name) are refused: a rate file has no need of them, and a file of nested aliases
    would take the checker a very long time to walk. Nesting deeper than MAX_NESTING (block
    indentation included, which the bracket count does not see) stops the composer early.
    """

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in a rate file",
                self.peek_event().start_mark,
            )
        if self._depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"lists and mappings are nested more than {MAX_NESTING} levels deep",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, Decimal, bool)) or key is None:
                continue  # the base class refuses an unhashable key with its own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key “{key}” appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader, node):
    raw = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"“{raw}” is not a number", node.start_mark
        )
    return value


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
# Dates stay text here: the checker reads them, and names the key of an impossible one.
_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def parse_schedule(text: str) -> dict:
    """Parse and validate a rate schedule file; raise ValidationError listing every problem."""
    if len(text) > MAX_SCHEDULE_CHARS:
        raise ServiceError(
            f"The file is longer than {MAX_SCHEDULE_CHARS:,} characters; a rate schedule is a "
            "few thousand."
        )
    if _flow_depth(text) > MAX_NESTING:
        raise ServiceError(
            f"The file nests lists or mappings more than {MAX_NESTING} levels deep; a rate "
            "schedule needs no more than a few."
        )
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "The file"
        raise ServiceError(f"{where}: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ServiceError(f"The file is not valid YAML: {error}") from None
    return validate_schedule(data)


def validate_schedule(data) -> dict:
    """Check a loaded schedule (a dict from YAML) and return its normalized, JSON-safe form."""
    errors = Errors()
    if not isinstance(data, dict):
        raise ServiceError(
            "The file must be a YAML mapping of keys (schedule, name, effective_from, ...)."
        )
    data = mapping(data, "", errors, TOP_LEVEL)
    if data is None:
        raise ServiceError(errors.messages)
    parsed = _header(data, errors)
    context = {
        "groups": parsed["meter_groups"],
        "zones": parsed["zones"],
        "unit": parsed["unit"],
        "period": parsed["period"],
    }
    for section in ("service_charge", "volumetric", "sewer"):
        parsed[section] = None
    if data.get("service_charge") is not None:
        parsed["service_charge"] = sections.charge_section(
            data["service_charge"], "service_charge", errors, context, "Water service charge"
        )
    if data.get("volumetric") is not None:
        parsed["volumetric"] = sections.volumetric(
            data["volumetric"], "volumetric", errors, context
        )
    parsed["surcharges"] = sections.surcharges(data.get("surcharges"), errors, context)
    if data.get("sewer") is not None:
        parsed["sewer"] = sections.sewer(data["sewer"], "sewer", errors, context)
    parsed["minimum_charge"] = sections.minimum_charge(data.get("minimum_charge"), errors, context)
    parsed["late_penalty"] = sections.late_penalty(data.get("late_penalty"), errors)
    if not any(parsed[section] for section in ("service_charge", "volumetric", "sewer")):
        errors.add("", "A schedule needs at least one of service_charge, volumetric or sewer.")
    if errors.messages:
        raise ServiceError(errors.messages)
    return parsed


# -- the header: what the schedule is, its unit and period, meter groups and zones


def _header(data: dict, errors: Errors) -> dict:
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        errors.add("format", f"this portal reads format {FORMAT_VERSION}")
    code = data.get("schedule")
    if code is None:
        errors.add("schedule", "required")
    elif not isinstance(code, str) or not SLUG.match(code):
        errors.add("schedule", "a short code of lowercase letters, digits and dashes (e.g. water)")
    effective_from = iso_date(data.get("effective_from"), "effective_from", errors)
    unit = choice(data.get("unit", "hcf"), "unit", errors, tuple(UNIT_LABELS))
    period = choice(data.get("period", "month"), "period", errors, tuple(PERIOD_MONTHS))
    period = period or "month"
    period_days = number(
        data.get("period_days", DEFAULT_PERIOD_DAYS[period]), "period_days", errors, positive=True
    )
    groups = _meter_groups(data.get("meter_groups"), errors)
    zones = _zones(data.get("zones"), errors)
    default_zone = data.get("default_zone")
    if default_zone is not None and str(default_zone) not in zones:
        errors.add("default_zone", f"must be one of the zones ({', '.join(zones) or 'none'})")
    return {
        "format": FORMAT_VERSION,
        "schedule": code,
        "name": text(data.get("name"), "name", errors, max_length=120),
        "effective_from": effective_from.isoformat() if effective_from else None,
        "reference": text(data.get("reference", ""), "reference", errors, required=False),
        "notes": text(data.get("notes", ""), "notes", errors, required=False),
        "unit": unit or "hcf",
        "period": period,
        "period_days": str(period_days) if period_days else DEFAULT_PERIOD_DAYS[period],
        "whole_periods": _whole_periods(data, period, errors),
        "meter_groups": groups,
        "zones": zones,
        "default_zone": None if default_zone is None else str(default_zone),
    }


def _whole_periods(data: dict, period: str, errors: Errors) -> list[dict]:
    if "whole_periods" not in data:
        return [dict(window) for window in DEFAULT_WHOLE_PERIODS[period]]
    value = data["whole_periods"]
    if value in (None, "none", []):
        return []
    if not isinstance(value, list):
        errors.add("whole_periods", "a list like [{periods: 1, days: [27, 33]}], or none")
        return []
    windows = []
    for index, entry in enumerate(value):
        path = f"whole_periods[{index}]"
        entry = mapping(entry, path, errors, {"periods": True, "days": True})
        if entry is None:
            continue
        periods = _periods(entry["periods"], f"{path}.periods", errors)
        days = entry["days"]
        if not (isinstance(days, list) and len(days) == 2):
            errors.add(f"{path}.days", "the shortest and longest bill in days, e.g. [27, 33]")
            continue
        low = whole_number(days[0], f"{path}.days[0]", errors, minimum=1)
        high = whole_number(days[1], f"{path}.days[1]", errors, minimum=1)
        if low and high and high < low:
            errors.add(f"{path}.days", f"the longest ({high}) is shorter than the shortest ({low})")
        if periods and low and high:
            windows.append({"periods": periods, "min_days": low, "max_days": high})
    return windows


def _periods(value, path: str, errors: Errors):
    """How many periods a window counts as: a whole number, or a part like 0.5 (half a period).

    A two-month schedule whose monthly customers pay "half" says `{periods: 0.5, days: [27, 33]}`.
    Kept as an int when whole (1, 2) and as a decimal string otherwise ("0.5"), JSON-safe.
    """
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        errors.add(path, "a number of periods more than zero, e.g. 1, 2 or 0.5")
        return None
    periods = number(value, path, errors, places=4, positive=True)
    if periods is None:
        return None
    return int(periods) if periods == periods.to_integral_value() else plain(periods)


def _meter_groups(value, errors: Errors) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add(
            "meter_groups", 'a mapping of group name to meter sizes, e.g. small: ["5/8", "1"]'
        )
        return {}
    groups = {}
    for name, sizes in value.items():
        path = f"meter_groups.{name}"
        if str(name) in METER_SIZES:
            errors.add(path, "a group cannot be named like a meter size")
            continue
        if not isinstance(sizes, list) or not sizes:
            errors.add(path, "a list of meter sizes")
            continue
        bad = [str(size) for size in sizes if str(size) not in METER_SIZES]
        if bad:
            errors.add(path, f"not meter sizes: {', '.join(bad)} (sizes: {', '.join(METER_SIZES)})")
            continue
        groups[str(name)] = [str(size) for size in sizes]
    return groups


def _zones(value, errors: Errors) -> dict:
    if value is None:
        return {}
    if isinstance(value, list):
        value = {str(name): str(name).replace("_", " ").capitalize() for name in value}
    if not isinstance(value, dict) or not value:
        errors.add("zones", "a list of zone names (e.g. [inside, outside]) or name: label pairs")
        return {}
    return {str(name): str(label) for name, label in value.items()}
