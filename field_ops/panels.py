"""field_ops' panel on the account page: reads and consumption, with a 24-month bar chart.

The chart is inline SVG drawn on the server (no JavaScript; it prints), with the numbers in a
table behind it for screen readers. Two queries (see field_ops.consumption).
"""

from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from district.roles import Perm
from field_ops.consumption import MonthUsage, first_months, premise_read_periods, usage_by_month

CHART_MONTHS = 24
RECENT_READS = 6

# Chart geometry (SVG user units; the SVG scales to its container).
WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 14, 44
GRID_STEPS = 4
BAR_FILL = "#0b5ed7"
ESTIMATED_FILL = "#6c757d"  # grey, and an "E" above the bar: colour is not the only signal
TEXT_FILL = "#212529"
GRID_STROKE = "#adb5bd"


def _nice_step(peak: Decimal) -> Decimal:
    """A round grid step (1, 2, 2.5 or 5 x 10^n) so that GRID_STEPS steps reach the peak."""
    if peak <= 0:
        return Decimal(1)
    raw = peak / GRID_STEPS
    magnitude = Decimal(10) ** raw.adjusted()  # the power of ten of raw's leading digit
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if raw <= factor * magnitude:
            return Decimal(factor) * magnitude
    return 10 * magnitude


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def consumption_chart(months: list[MonthUsage]) -> dict:
    """Coordinates for the bars, grid lines and labels of a monthly use chart."""
    used = [month.consumption_hcf for month in months if month.consumption_hcf is not None]
    peak = max(used, default=Decimal(0))
    step = _nice_step(peak)
    top = step * GRID_STEPS
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = Decimal(plot_width) / len(months)
    bar_width = slot * Decimal("0.7")
    bars = []
    year_shown = False
    for index, month in enumerate(months):
        value = month.consumption_hcf
        height = (Decimal(plot_height) * value / top) if value else Decimal(0)
        x = LEFT + slot * index + (slot - bar_width) / 2
        # Every other month is named (Jan, Mar, ...); the year under the first and each January.
        labelled = month.month.month % 2 == 1
        show_year = labelled and (not year_shown or month.month.month == 1)
        year_shown = year_shown or show_year
        bars.append(
            {
                "x": round(x, 1),
                "y": round(baseline - height, 1),
                "width": round(bar_width, 1),
                "height": round(height, 1),
                "center": round(x + bar_width / 2, 1),
                "fill": ESTIMATED_FILL if month.estimated else BAR_FILL,
                "month": month,
                "tick": month.month.strftime("%b") if labelled else "",
                "year": str(month.month.year) if show_year else "",
                "marker_y": round(baseline - height - 3, 1),
            }
        )
    grid = [
        {
            "y": round(baseline - Decimal(plot_height) * k / GRID_STEPS, 1),
            "label": _number(step * k),
        }
        for k in range(GRID_STEPS + 1)
    ]
    peak_month = max(
        (month for month in months if month.consumption_hcf is not None),
        key=lambda month: month.consumption_hcf,
        default=None,
    )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": baseline,
        "axis_label_y": TOP + plot_height / 2,
        "tick_y": baseline + 14,
        "year_y": baseline + 28,
        "bars": bars,
        "grid": grid,
        "peak_month": peak_month,
        "text_fill": TEXT_FILL,
        "grid_stroke": GRID_STROKE,
        "has_estimates": any(month.estimated for month in months),
    }


def _correct_url(read_id) -> str | None:
    try:
        return reverse("field_ops:read_correct", args=[read_id])
    except NoReverseMatch:
        return None


def consumption_panel(request, *, account, **_context) -> dict:
    as_of = timezone.localdate()
    since = first_months(months=CHART_MONTHS, as_of=as_of)[0]
    periods = premise_read_periods(premise_id=account.premise_id, since=since, until=as_of)
    months = usage_by_month(periods, months=CHART_MONTHS, as_of=as_of)
    may_correct = request.user.has_perm(Perm.ENTER_READS)
    recent = [
        (period, _correct_url(period.read_id) if may_correct and period.read_id else None)
        for period in periods[::-1][:RECENT_READS]
    ]
    read_months = [month for month in months if month.consumption_hcf is not None]
    return {
        "months": months,
        "chart": consumption_chart(months),
        "recent": recent,
        "total_hcf": sum((month.consumption_hcf for month in read_months), Decimal("0.00")),
        "first_month": months[0],
        "last_month": months[-1],
    }
