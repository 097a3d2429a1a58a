"""Charts of scenario results: a run's base beside its scenario, and a sweep's figures against
the number it varies, optimiser beside FCFS.

Drawn with matplotlib's Agg backend (no display needed), as SVG or PNG bytes. Each
chart has a wide layout (panels in a grid) and a narrow one (one column of panels,
for a phone); axes are labelled in the studio's words.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402
from sqlmodel import Session  # noqa: E402

from scheduler.core.names import WeekNames  # noqa: E402
from scheduler.scenarios.forms import names_for_form  # noqa: E402
from scheduler.scenarios.report import KPI_LABELS, RESULT_FORMAT  # noqa: E402
from scheduler.scenarios.words import sweep_label  # noqa: E402

# The figures a sweep chart shows by default, one panel each.
CHART_KPIS = (
    "priority_places",
    "clients_fully_served",
    "fill_rate",
    "reformer_utilisation",
    "unplaced_places",
    "revenue",
)
# The figures a run's chart sets side by side.
RUN_KPIS = (
    "priority_places",
    "places",
    "clients_fully_served",
    "fill_rate",
    "reformer_utilisation",
    "revenue",
)
OPTIMISER_COLOUR = "#2f6f5e"
FCFS_COLOUR = "#c2703d"
BASE_COLOUR = "#9aa5a3"
RATES = ("fill_rate", "reformer_utilisation")
# Figures that count something: their axes tick at whole numbers.
COUNTS = (
    "priority_places",
    "places",
    "clients_fully_served",
    "clients_partly_served",
    "clients_not_served",
    "unplaced_places",
    "teaching_minutes",
    "sessions",
)


def _grid(count: int, narrow: bool) -> tuple[Any, Any]:
    columns = 1 if narrow else (3 if count > 4 else 2)
    rows = max(1, -(-count // columns))
    width, height = (4.0, 2.7) if narrow else (4.2, 3.0)
    figure, axes = plt.subplots(
        rows, columns, figsize=(width * columns, height * rows), squeeze=False, layout="constrained"
    )
    return figure, axes


def _style_axis(ax: Any, kpi: str) -> None:
    ax.set_title(KPI_LABELS.get(kpi, kpi), fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.tick_params(labelsize=8)
    if kpi in RATES:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    elif kpi in COUNTS:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _title(figure: Any, text: str, narrow: bool) -> None:
    """The chart's title, wrapped to the narrow layout's width."""
    figure.suptitle(textwrap.fill(text, 44) if narrow else text, fontsize=11)


def _save(figure: Any, image_format: str) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format=image_format, dpi=110 if image_format == "png" else None)
    plt.close(figure)
    return out.getvalue()


def sweep_chart(
    result: dict,
    image_format: str = "svg",
    kpis: tuple[str, ...] = CHART_KPIS,
    *,
    names: WeekNames | None = None,
    narrow: bool = False,
) -> bytes:
    """A grid of small charts, one per figure in `kpis` that the sweep measured.

    `result` is a `reformer-sweep/1` document; `image_format` is `svg` or `png`. The
    x axis is the swept number in words (named from `names`), ticked at whole numbers
    where it is a count. Priority places carry each point's proven bound as a shaded
    band above the line: no plan can reach into it. A figure with no value at any
    point (revenue without prices) gets no panel.
    """
    points = result["points"]
    values = [p["value"] for p in points]
    label, whole = sweep_label(result, names)
    shown = [k for k in kpis if any(p["optimiser"].get(k) is not None for p in points)]
    figure, axes = _grid(len(shown), narrow)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    xs = values if numeric else list(range(len(values)))
    for ax, kpi in zip(axes.flat, shown, strict=False):
        if kpi == "priority_places":
            _bound_band(ax, xs, points)
        for who, colour, style in (
            ("optimiser", OPTIMISER_COLOUR, "-o"),
            ("fcfs", FCFS_COLOUR, "--s"),
        ):
            ys = [p[who].get(kpi) for p in points]
            ax.plot(
                xs, ys, style, color=colour, label="Optimiser" if who == "optimiser" else "FCFS"
            )
        _style_axis(ax, kpi)
        if not numeric:
            ax.set_xticks(xs, [str(v) for v in values])
        elif whole:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    if shown:
        axes.flat[0].legend(fontsize=7 if narrow else 8)
    figure.supxlabel(textwrap.fill(label, 50) if narrow else label, fontsize=9)
    _title(figure, result["scenario"].get("name", "Sweep"), narrow)
    return _save(figure, image_format)


def _bound_band(ax: Any, xs: list, points: list[dict]) -> None:
    """Shade from each point's priority places up to its proven bound."""
    pairs = [
        (x, p["optimiser"].get("priority_places"), p["optimiser"].get("bound"))
        for x, p in zip(xs, points, strict=True)
    ]
    pairs = [(x, y, b) for x, y, b in pairs if y is not None and b is not None]
    if not pairs:
        return
    ax.fill_between(
        [x for x, _, _ in pairs],
        [y for _, y, _ in pairs],
        [max(y, b) for _, y, b in pairs],
        color=OPTIMISER_COLOUR,
        alpha=0.18,
        linewidth=0,
        label="Up to the proven bound",
        gid="bound-band",
    )


def run_chart(result: dict, image_format: str = "svg", *, narrow: bool = False) -> bytes:
    """The key figures of a run, base beside scenario: the optimiser's plan, then FCFS.

    `result` is a `reformer-scenario-result/1` document. Priority places show each
    plan's proven bound as a shaded box above its bar.
    """
    base, after = result["base"], result["result"]
    shown = [k for k in RUN_KPIS if after["optimiser"].get(k) is not None]
    figure, axes = _grid(len(shown), narrow)
    groups = ("Optimiser", "FCFS")
    width = 0.38
    for ax, kpi in zip(axes.flat, shown, strict=False):
        for offset, (name, side, colour) in (
            (-width / 2, ("Base", base, BASE_COLOUR)),
            (width / 2, ("Scenario", after, OPTIMISER_COLOUR)),
        ):
            ys = [side["optimiser"].get(kpi) or 0, side["fcfs"].get(kpi) or 0]
            xs = [i + offset for i in range(len(groups))]
            bars = ax.bar(xs, ys, width, color=colour, label=name)
            money = "£" if kpi == "revenue" else ""
            labels = [f"{y:.0%}" if kpi in RATES else f"{money}{y:,.0f}" for y in ys]
            ax.bar_label(bars, labels=labels, fontsize=7, label_type="center", color="white")
            bound = side["optimiser"].get("bound")
            if kpi == "priority_places" and bound is not None and bound > ys[0]:
                ax.bar(
                    xs[0],
                    bound - ys[0],
                    width,
                    bottom=ys[0],
                    color=colour,
                    alpha=0.22,
                    hatch="//",
                    edgecolor=colour,
                    linewidth=0,
                    label=None,
                    gid="bound-box",
                )
                ax.text(xs[0], bound, f"bound {bound:,}", ha="center", va="bottom", fontsize=6)
        ax.set_xticks(range(len(groups)), groups)
        ax.margins(y=0.15)
        _style_axis(ax, kpi)
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    if shown:
        axes.flat[0].legend(fontsize=7 if narrow else 8, loc="lower right")
    _title(figure, f"{result['scenario'].get('name', 'Scenario')}: base beside scenario", narrow)
    return _save(figure, image_format)


def stored_result_chart(
    *, session: Session, result: dict, image_format: str = "svg", narrow: bool = False
) -> bytes:
    """The chart of a stored run's result (a run or a sweep), named from its base week."""
    if result.get("format") == RESULT_FORMAT:
        return run_chart(result, image_format, narrow=narrow)
    week_start = result.get("scenario", {}).get("base", {}).get("week_start")
    names = names_for_form(session=session, week_start=week_start)
    return sweep_chart(result, image_format, names=names, narrow=narrow)
