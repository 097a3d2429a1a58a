"""Fairness across weeks: how many recent weeks each client missed out, from the records.

A client **missed out** in a week when they were in it (active) and its published
plan left a want of theirs short (an unplaced want with places missing, as that
plan's solve or edit stored it). `missed_weeks_from_records` counts, for each
client, the weeks they missed out among the last `RECENT_WEEKS` stored weeks before
a given one that have a published plan (weeks never published are skipped: they
say nothing of who got a place). The waitlist orders waiting clients by it too.

A week started as a copy of an earlier one (`start_week`, and the solve of a new
week that the nightly job and the owner's start run) gets each client's
`missed_weeks` by this rule:

1. No week before it has a published plan: the records say nothing, and every
   client keeps the figure copied (the owner's own, from her import).
2. Otherwise the records decide: a client's figure is the weeks they missed out
   among the `RECENT_WEEKS` (at most) published weeks before it, 0 for a client in
   none of them. While fewer than `RECENT_WEEKS` weeks are published, the window
   reaches back before the records began, and that part comes from the owner's
   figure in the earliest published week (the records never replaced it), counted
   as at most the weeks of the window it covers. Her imported figures so fade out
   over the first weeks instead of vanishing at the first copy.

The figure is set when the week is started; a week imported whole keeps the
figures in its file or CSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, func, select, update
from sqlmodel import Session as DbSession

from scheduler.core import models
from scheduler.core.dates import as_date
from scheduler.store.weeks import require_week
from solver.domain import Week

#: How many published weeks back `missed_weeks` looks.
RECENT_WEEKS = 4

# A database limits how many parameters one IN may carry.
_CHUNK = 500


@dataclass(frozen=True)
class _Published:
    """A week on record: its row's id and its published plan's id."""

    week_id: int
    plan_id: int


def missed_weeks_from_records(*, session: DbSession, week_start: date | str) -> Counter[str]:
    """Each client's count of the last `RECENT_WEEKS` published weeks before `week_start`
    in which they missed out, by client id; a client in no record counts 0 (a `Counter`).

    Two queries, whatever the number of clients.
    """
    return _missed_in(session, _recent_published(session, as_date(week_start)))


def with_missed_weeks_from_records(*, session: DbSession, week: Week) -> Week:
    """`week`, a copy about to be stored for its `week_start`, with each client's
    `missed_weeks` as the module's rule gives it."""
    figures = _new_week_figures(
        session, as_date(week.week_start), {c.id: c.missed_weeks for c in week.clients}
    )
    if figures is None:
        return week
    return replace(
        week, clients=tuple(replace(c, missed_weeks=figures[c.id]) for c in week.clients)
    )


def fill_missed_weeks(*, session: DbSession, week_start: date | str) -> None:
    """Set the stored week's clients' `missed_weeks` (paused ones too) by the module's rule.

    For a week just started as a copy; flushes, leaves committing to the caller.
    """
    row = require_week(session=session, week_start=week_start)
    carried = _figures_of(session, row.id)
    figures = _new_week_figures(session, row.week_start, carried)
    if figures is None:
        return
    changed: dict[int, list[str]] = {}
    for key, figure in figures.items():
        if figure != carried[key]:
            changed.setdefault(figure, []).append(key)
    for figure, keys in changed.items():
        for i in range(0, len(keys), _CHUNK):
            session.execute(
                update(models.Client)
                .where(models.Client.week_id == row.id, models.Client.key.in_(keys[i : i + _CHUNK]))
                .values(missed_weeks=figure)
            )
    session.flush()


def _new_week_figures(
    session: DbSession, week_start: date, carried: Mapping[str, int]
) -> dict[str, int] | None:
    """Each client's figure for a new week by the rule, from what was copied; None when the
    records say nothing (rule 1)."""
    published = _recent_published(session, week_start)
    if not published:
        return None
    missed = _missed_in(session, published)
    uncovered = RECENT_WEEKS - len(published)
    before_records: dict[str, int] = {}
    if uncovered > 0:
        # Fewer weeks on record than the window: `published` reaches back to the first.
        first = _figures_of(session, published[-1].week_id)
        before_records = {key: min(figure, uncovered) for key, figure in first.items()}
    return {key: missed[key] + before_records.get(key, 0) for key in carried}


def _recent_published(session: DbSession, week_start: date) -> list[_Published]:
    """The last `RECENT_WEEKS` weeks before `week_start` with a published plan, latest first."""
    query = (
        select(models.Week.id, models.Plan.id)
        .join(models.Plan, models.Plan.week_id == models.Week.id)
        .where(models.Week.week_start < week_start, models.Plan.status == "published")
        .order_by(models.Week.week_start.desc())
        .limit(RECENT_WEEKS)
    )
    return [_Published(week_id, plan_id) for week_id, plan_id in session.execute(query).all()]


def _missed_in(session: DbSession, published: list[_Published]) -> Counter[str]:
    """How many of the `published` weeks each client, active in it, missed out in."""
    if not published:
        return Counter()
    u, plan, client = models.UnplacedWant, models.Plan, models.Client
    query = (
        select(u.client, func.count(func.distinct(u.plan_id)))
        .join(plan, plan.id == u.plan_id)
        .join(client, and_(client.week_id == plan.week_id, client.key == u.client))
        .where(
            u.plan_id.in_([p.plan_id for p in published]),
            u.missing > 0,
            client.active.is_(True),
        )
        .group_by(u.client)
    )
    return Counter(dict(session.execute(query).all()))


def _figures_of(session: DbSession, week_id: int) -> dict[str, int]:
    """The `missed_weeks` of every client stored in a week, by id."""
    query = select(models.Client.key, models.Client.missed_weeks).where(
        models.Client.week_id == week_id
    )
    return dict(session.execute(query).all())
