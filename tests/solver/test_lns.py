"""Neighbourhood search: which slots a move frees, and how the kinds of move adapt."""

from __future__ import annotations

import random
from collections import Counter

from ortools.sat.python import cp_model

from solver.candidates import candidate_slots
from solver.domain import MINUTES_PER_DAY
from solver.lns import Neighbourhoods, improve
from solver.model import Solution, WeekModel, build_model
from solver.solve import LEVELS
from tests.builders import client, venue, want, week


def two_venue_model() -> WeekModel:
    w = week(
        venues=[venue("hitchin"), venue("baldock")],
        clients=[client("c1", venues=["hitchin", "baldock"], wants=[want("reformer", 2)])],
    )
    return build_model(w, candidate_slots(w, step=60))


def test_each_neighbourhood_frees_exactly_its_venues_on_its_days():
    wm = two_venue_model()
    hoods = Neighbourhoods(wm, random.Random(1))
    assert set(hoods.score) == {
        ("every venue", 1),
        ("every venue", 2),
        *(("one venue", n) for n in range(1, 5)),
        ("hours", 2),
        ("hours", 4),
    }
    for _ in range(50):
        hood = hoods.pick()
        scope, count = hood.kind
        if scope == "hours":
            continue
        freed = [wm.slot_by_id[sid] for sid in hood.free]
        assert freed and len({s.day for s in freed}) == count
        assert len({s.venue for s in freed}) == (2 if scope == "every venue" else 1)
        days, venues = {s.day for s in freed}, {s.venue for s in freed}
        assert hood.free == {s.id for s in wm.slots if s.day in days and s.venue in venues}


def test_an_hours_neighbourhood_frees_every_venue_in_the_same_hours_of_every_day():
    wm = two_venue_model()
    hoods = Neighbourhoods(wm, random.Random(4))
    picked = [hood for hood in (hoods.pick() for _ in range(200)) if hood.kind[0] == "hours"]
    assert picked
    for hood in picked:
        hours = hood.kind[1]
        freed = [wm.slot_by_id[sid] for sid in hood.free]
        first = min(s.start % MINUTES_PER_DAY for s in freed)
        assert hood.free == {
            s.id for s in wm.slots if first <= s.start % MINUTES_PER_DAY < first + 60 * hours
        }
        assert len({s.day for s in freed}) > 1 and len({s.venue for s in freed}) == 2


def test_the_kind_of_move_that_pays_is_chosen_most():
    hoods = Neighbourhoods(two_venue_model(), random.Random(2))
    for kind in hoods.score:
        gain = 20 if kind == ("one venue", 3) else 0
        hoods.record(hoods._of(kind, "", lambda s: False), gain, 1.0)
    chosen = Counter(hoods.pick().kind for _ in range(400))
    assert chosen.most_common(1)[0][0] == ("one venue", 3)
    assert chosen[("one venue", 3)] > 0.6 * 400
    assert all(chosen[kind] > 0 for kind in hoods.score)  # every kind is still tried


def test_every_kind_of_move_is_tried_once_before_any_is_repeated():
    hoods = Neighbourhoods(two_venue_model(), random.Random(3))
    first = []
    for _ in hoods.score:
        first.append(hoods.pick())
        hoods.record(first[-1], 0, 1.0)
    assert {hood.kind for hood in first} == set(hoods.score)


class CountingRunner:
    """Real CP-SAT solves, one worker each, counting the solves and each move's limit as work."""

    def __init__(self) -> None:
        self.solves, self.work = 0, 0.0

    def solve_models(self, models, seconds):
        self.solves += len(models)
        self.work += seconds
        solved = []
        for model in models:
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solved.append((solver, solver.solve(model)))
        return solved

    def spent(self) -> float:
        return self.work

    def out_of_clock(self) -> bool:
        return False


def _solved(wm: WeekModel) -> Solution:
    LEVELS[0].optimise(wm.model, wm.levels()[LEVELS[0].name])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(wm.model) == cp_model.OPTIMAL
    return wm.read(solver)


def _places(solution: Solution) -> int:
    return solution.objective.priority_places


def test_a_search_whose_incumbent_reaches_its_bound_stops_without_a_move():
    wm = two_venue_model()
    best = _solved(wm)
    runner = CountingRunner()
    assert improve(wm, best, _places, 60.0, runner, most=_places(best)) is best
    assert runner.solves == 0


def test_a_search_below_its_bound_moves_until_its_work_is_spent():
    wm = two_venue_model()
    best = _solved(wm)
    runner = CountingRunner()
    found = improve(wm, best, _places, 20.0, runner, most=_places(best) + 1)
    assert _places(found) == _places(best)
    assert runner.solves > 2
    assert 19.8 <= runner.work <= 20.0
