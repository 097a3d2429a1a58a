"""The charts of a run and of a sweep: in words, whole-number ticks for counts, the bound shown."""

from __future__ import annotations

import re

from scheduler.core.names import WeekNames
from scheduler.scenarios.charts import run_chart, sweep_chart


def sweep_result(values=(0, 1, 2), path="changes[0].count", bound=True) -> dict:
    return {
        "scenario": {
            "name": "More reformers",
            "changes": [{"kind": "add_reformers", "room": "hitchin-studio", "count": 1}],
        },
        "path": path,
        "values": list(values),
        "points": [
            {
                "value": v,
                "optimiser": {
                    "priority_places": 10 + v,
                    "bound": 14 + v if bound else None,
                    "fill_rate": 0.5,
                    "revenue": None,
                },
                "fcfs": {"priority_places": 8 + v, "fill_rate": 0.4, "revenue": None},
            }
            for v in values
        ],
    }


def tick_texts(svg: bytes, axis: str) -> list[str]:
    """The tick labels of every `xtick`/`ytick` in a matplotlib SVG (written as comments)."""
    pattern = rf'<g id="{axis}tick_\d+">.*?<!-- (.*?) -->'
    return re.findall(pattern, svg.decode(), flags=re.S)


def test_a_sweep_chart_is_labelled_in_words_not_by_its_path():
    names = WeekNames(
        rooms={"hitchin-studio": "Hitchin · Studio"}, venues={}, instructors={}, class_types={}
    )
    svg = sweep_chart(sweep_result(), names=names)
    assert b"The number of reformers added to Hitchin \xc2\xb7 Studio" in svg
    assert b"changes[0].count" not in svg


def test_a_count_swept_ticks_at_whole_numbers_only():
    xs = tick_texts(sweep_chart(sweep_result(values=(0, 1, 2))), "x")
    assert xs and all(re.fullmatch(r"[−-]?\d+", x) for x in xs), xs
    ys = tick_texts(sweep_chart(sweep_result(values=(0, 1))), "y")
    assert all("." not in y for y in ys if "%" not in y), ys


def test_the_sweep_chart_draws_the_proven_bound_as_a_band_above_priority_places():
    assert b"bound-band" in sweep_chart(sweep_result())
    assert b"Up to the proven bound" in sweep_chart(sweep_result())
    assert b"bound-band" not in sweep_chart(sweep_result(bound=False))


def test_the_narrow_chart_is_one_column_taller_than_wide():
    def size(svg: bytes) -> tuple[float, float]:
        match = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
        return float(match[1]), float(match[2])

    wide_w, wide_h = size(sweep_chart(sweep_result()))
    narrow_w, narrow_h = size(sweep_chart(sweep_result(), narrow=True))
    assert wide_w > wide_h and narrow_h > narrow_w
    assert narrow_w < wide_w


def figures(priority_places: int, bound: int | None) -> dict:
    return {
        "priority_places": priority_places,
        "bound": bound,
        "places": priority_places // 2,
        "clients_fully_served": 4,
        "fill_rate": 0.6,
        "reformer_utilisation": 0.25,
        "revenue": None,
    }


def test_a_run_chart_sets_base_beside_scenario_with_each_bound():
    result = {
        "scenario": {"name": "Two more"},
        "base": {"optimiser": figures(20, 24), "fcfs": figures(18, None)},
        "result": {"optimiser": figures(26, 26), "fcfs": figures(22, None)},
    }
    svg = run_chart(result)
    assert svg.lstrip().startswith(b"<?xml")
    for words in (b"Base", b"Scenario", b"Optimiser", b"FCFS", b"Priority places", b"bound 24"):
        assert words in svg
    assert b"Weekly revenue" not in svg  # no prices, no panel
    assert svg.count(b"bound-box") == 1  # the scenario's plan is at its bound: nothing above
    assert run_chart(result, "png", narrow=True).startswith(b"\x89PNG")
