"""The owner's solve and the nightly re-solve are reproducible: the same stored week,
re-solved twice with nothing changed, gives the same draft."""

from __future__ import annotations

import pytest

from scheduler.formats.plan import plan_to_json
from scheduler.planning.solving import solve_week
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week, save_week
from solver.checker import check_plan
from tests.builders import example_week


def _decisions(db_session, plan_id: int) -> dict:
    document = plan_to_json(load_stored_plan(session=db_session, plan_id=plan_id))
    return {k: document[k] for k in ("sessions", "allocations", "unplaced", "objective")}


@pytest.mark.slow
def test_a_published_week_re_solved_twice_with_nothing_changed_gives_the_same_draft(db_session):
    week = example_week("studio-small")
    save_week(session=db_session, week=week)
    db_session.commit()
    # Two seconds do not prove this week's best: each solve stops on its work budget.
    solve_week(session=db_session, week_start=week.week_start, time_limit=2, publish=True)
    drafts = [
        solve_week(session=db_session, week_start=week.week_start, time_limit=2) for _ in range(2)
    ]
    stored = load_stored_week(session=db_session, week_start=week.week_start)
    for draft in drafts:
        assert check_plan(stored, load_stored_plan(session=db_session, plan_id=draft.id)) == []
    assert [d.version for d in drafts] == [2, 3]
    assert _decisions(db_session, drafts[0].id) == _decisions(db_session, drafts[1].id)


@pytest.mark.slow
def test_a_week_without_a_plan_solved_twice_gives_the_same_draft(db_session):
    week = example_week("studio-small")
    save_week(session=db_session, week=week)
    db_session.commit()
    drafts = [
        solve_week(session=db_session, week_start=week.week_start, time_limit=2) for _ in range(2)
    ]
    assert _decisions(db_session, drafts[0].id) == _decisions(db_session, drafts[1].id)
