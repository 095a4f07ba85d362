"""Bar and line charts as inline SVG, drawn here so no chart script is loaded.

A chart is a picture of a table that the page also shows: the SVG is role="img" with an
aria-label that says what it shows (its extremes), and screen readers read the table.
Series are told apart by pattern and marker as well as colour.
"""

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from district.money import format_money

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
# Colour-blind safe (Okabe-Ito), with a dash pattern each so print in grey still separates them.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
TICKS = 5


def _number(value) -> Decimal:
    return Decimal(value or 0)


def _at(coordinate) -> str:
    """A coordinate to a tenth of a pixel."""
    return f"{coordinate:.1f}"


def _nice_top(largest: Decimal) -> Decimal:
    """The axis' top: the largest value rounded up to 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(largest))) - 1)
    for step in (1, 2, 5, 10):
        if largest <= step * magnitude:
            return Decimal(step) * magnitude
    return Decimal(10) * magnitude


def _label(value: Decimal, money: bool) -> str:
    """An axis label: whole dollars or whole numbers."""
    text = f"{abs(value):,.0f}"
    sign = "-" if value < 0 else ""
    return f"{sign}${text}" if money else f"{sign}{text}"


def _exact(value: Decimal, money: bool) -> str:
    """A value as the summary says it: to the cent, or as counted."""
    return format_money(value) if money else f"{value:,}"


def summary(title: str, categories: list[str], series: list[tuple[str, list]], money: bool):
    """The aria-label: what is charted, over which categories, and each series' highest point."""
    if not categories:
        return f"{title}: no data."
    parts = [f"{title}, {len(categories)} points from {categories[0]} to {categories[-1]}"]
    for name, values in series:
        numbers = [_number(value) for value in values]
        peak = max(range(len(numbers)), key=lambda index: numbers[index])
        parts.append(
            f"{name}: highest {_exact(numbers[peak], money)} at {categories[peak]}, "
            f"last {_exact(numbers[-1], money)}"
        )
    return "; ".join(parts) + ". The table below gives every value."


def _frame(top: Decimal, money: bool, categories: list[str], slot: float) -> list[str]:
    plot_height = HEIGHT - TOP - BOTTOM
    parts = []
    for tick in range(TICKS + 1):
        value = top * tick / TICKS
        y = TOP + plot_height - plot_height * tick / TICKS
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="10">{}</text>',
            LEFT, WIDTH - RIGHT, _at(y), _at(y), LEFT - 4, _at(y + 3), _label(value, money),
        ))  # fmt: skip
    every = max(1, len(categories) // 12)  # at most a dozen labels under the axis
    for index, category in enumerate(categories):
        if index % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
            _at(x), HEIGHT - BOTTOM + 14, category,
        ))  # fmt: skip
    return parts


def _legend(series: list[tuple[str, list]]) -> list[str]:
    parts = []
    for index, (name, _values) in enumerate(series):
        x = LEFT + (index % 4) * 140
        y = HEIGHT - 22 + (index // 4) * 12
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3" '
            'stroke-dasharray="{}"/><text x="{}" y="{}" font-size="10">{}</text>',
            x, x + 18, y - 3, y - 3, COLOURS[index % len(COLOURS)],
            DASHES[index % len(DASHES)], x + 22, y, name,
        ))  # fmt: skip
    return parts


def _svg(label: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308  (every piece above was built with format_html)
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" class="register-chart" '
        f'preserveAspectRatio="xMidYMid meet">' + "".join(body) + "</svg>"
    )


def line_chart(title, categories, series, *, money=False) -> SafeString:
    """One line per (name, values) series over the categories (months, days...)."""
    categories = [str(category) for category in categories]
    top = _nice_top(max((_number(v) for _n, values in series for v in values), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    body = _frame(top, money, categories, slot)
    for index, (_name, values) in enumerate(series):
        points = " ".join(
            f"{LEFT + slot * (position + 0.5):.1f},"
            f"{TOP + plot_height - float(_number(value) / top) * plot_height:.1f}"
            for position, value in enumerate(values)
        )
        body.append(format_html(
            '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" '
            'points="{}"/>',
            COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], points,
        ))  # fmt: skip
    body += _legend(series)
    return _svg(summary(title, categories, series, money), body)


def bar_chart(title, categories, series, *, money=False) -> SafeString:
    """Grouped bars: for each category, one bar per (name, values) series."""
    categories = [str(category) for category in categories]
    top = _nice_top(max((_number(v) for _n, values in series for v in values), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(categories), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    bar_width = slot * 0.8 / max(len(series), 1)
    body = _frame(top, money, categories, slot)
    for index, (_name, values) in enumerate(series):
        for position, value in enumerate(values):
            height = float(_number(value) / top) * plot_height
            body.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                _at(LEFT + slot * position + slot * 0.1 + bar_width * index),
                _at(TOP + plot_height - height), _at(bar_width), _at(height),
                COLOURS[index % len(COLOURS)],
            ))  # fmt: skip
    body += _legend(series)
    return _svg(summary(title, categories, series, money), body)
