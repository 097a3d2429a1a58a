"""Generated franchise weeks: their size, their independent areas, the format, a seed."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.formats.week import parse_week, week_to_json
from scheduler.studio.franchise import franchise_week
from solver.checker import check_plan
from solver.solve import solve, split_week

MONDAY = date(2026, 11, 30)


def test_a_franchise_has_the_venues_asked_for_in_areas_of_three_that_share_nobody():
    week = franchise_week(venues_wanted=8, seed=3, clients_per_venue=20, week_start=MONDAY)
    assert len(week.venues) == 8
    assert len(week.clients) == 8 * 20
    parts = split_week(week)
    assert sorted(len(p.venues) for p in parts) == [2, 3, 3]
    assert len({v.name for v in week.venues}) == 8


def test_the_same_seed_gives_the_same_week_and_another_seed_another():
    def of(seed: int):
        return franchise_week(venues_wanted=6, seed=seed, clients_per_venue=10, week_start=MONDAY)

    assert of(1) == of(1)
    assert of(1) != of(2)


def test_a_franchise_week_is_a_valid_week_document():
    week = franchise_week(venues_wanted=31, seed=1, clients_per_venue=5, week_start=MONDAY)
    assert parse_week(week_to_json(week)) == week
    assert "Stevenage 2" in {v.name for v in week.venues}  # past the list, towns are numbered


def test_a_small_franchise_solves_to_a_plan_keeping_every_rule():
    week = franchise_week(venues_wanted=4, seed=1, clients_per_venue=15, week_start=MONDAY)
    plan = solve(week, time_limit=2, workers=1)
    assert check_plan(week, plan) == []
    assert plan.objective.priority_places > 0


def test_a_franchise_has_at_least_one_venue():
    with pytest.raises(ValueError, match="at least one venue"):
        franchise_week(venues_wanted=0, week_start=MONDAY)
