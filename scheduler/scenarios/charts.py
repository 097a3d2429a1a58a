"""Charts of a sweep: each key figure against the parameter swept, optimiser beside FCFS.

Drawn with matplotlib's Agg backend (no display needed), as SVG or PNG bytes.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from scheduler.scenarios.report import KPI_LABELS

# The figures a sweep chart shows by default, one panel each.
CHART_KPIS = (
    "priority_places",
    "clients_fully_served",
    "fill_rate",
    "reformer_utilisation",
    "unplaced_places",
    "revenue",
)
OPTIMISER_COLOUR = "#2f6f5e"
FCFS_COLOUR = "#c2703d"


def sweep_chart(
    result: dict, image_format: str = "svg", kpis: tuple[str, ...] = CHART_KPIS
) -> bytes:
    """A grid of small charts, one per figure in `kpis` that the sweep measured.

    `result` is a `reformer-sweep/1` document; `image_format` is `svg` or `png`.
    A figure with no value at any point (revenue without prices) gets no panel.
    """
    points = result["points"]
    values = [p["value"] for p in points]
    shown = [k for k in kpis if any(p["optimiser"].get(k) is not None for p in points)]
    columns = 3 if len(shown) > 4 else 2
    rows = max(1, -(-len(shown) // columns))
    figure, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 3.0 * rows), squeeze=False, layout="constrained"
    )
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    xs = values if numeric else list(range(len(values)))
    for ax, kpi in zip(axes.flat, shown, strict=False):
        for who, colour, style in (
            ("optimiser", OPTIMISER_COLOUR, "-o"),
            ("fcfs", FCFS_COLOUR, "--s"),
        ):
            ys = [p[who].get(kpi) for p in points]
            ax.plot(
                xs, ys, style, color=colour, label="Optimiser" if who == "optimiser" else "FCFS"
            )
        ax.set_title(KPI_LABELS.get(kpi, kpi), fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=8)
        if not numeric:
            ax.set_xticks(xs, [str(v) for v in values])
        if kpi in ("fill_rate", "reformer_utilisation"):
            ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=1))
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    if shown:
        axes.flat[0].legend(fontsize=8)
    figure.supxlabel(result["path"], fontsize=9)
    figure.suptitle(result["scenario"].get("name", "Sweep"), fontsize=11)
    out = io.BytesIO()
    figure.savefig(out, format=image_format, dpi=110 if image_format == "png" else None)
    plt.close(figure)
    return out.getvalue()
