"""The top of the owner's week page: the plan in a few plain figures, and its unmet wants.

`week_overview` reads one version of a week: the places it gives against those
wanted, the clients it serves fully, how close it is to the best possible plan
(in words, from the solve's proven bound and what that solve had to keep), whether
it differs from the published plan, and the wants it leaves unmet, explained
afresh from the week as it stands, grouped by what is in the way and filtered by
venue, class type and reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from sqlmodel import Session as DbSession
from sqlmodel import select

from scheduler.core import models
from scheduler.core.names import week_names
from scheduler.core.words import REASON_GROUPS, closeness, reason_group, reason_words
from scheduler.planning.publish import differs_from_published
from scheduler.planning.rows import plan_row
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week
from solver.domain import Plan, Week
from solver.explain import explain_unplaced


@dataclass(frozen=True)
class PlanSummary:
    """A plan in plain figures: places given of those wanted, clients fully served, and
    how close it is to the best possible plan, in a sentence (`closeness`) and as the
    bound the solve proved (`bound_words`)."""

    places: int
    places_wanted: int
    clients_served: int
    clients: int
    closeness: str
    bound_words: str


@dataclass(frozen=True)
class UnmetRow:
    """One unmet want as the owner's list shows it: who, how many of what, and why."""

    client: str
    name: str
    class_types: str
    missing: int
    reasons: tuple[str, ...]
    group: str


@dataclass(frozen=True)
class ReasonCount:
    """A reason the list groups by, with the wants and places it holds."""

    key: str
    label: str
    wants: int
    places: int


@dataclass(frozen=True)
class UnmetList:
    """The unmet wants the filters let through, the groups of those the venue and class
    filters let through (so each count says what choosing it shows), and the choices."""

    rows: tuple[UnmetRow, ...]
    groups: tuple[ReasonCount, ...]
    wants: int
    places: int
    venues: tuple[tuple[str, str], ...]
    class_types: tuple[tuple[str, str], ...]
    venue: str | None = None
    class_type: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class WeekOverview:
    """The week page's top for one version: its summary, unmet wants, and whether
    publishing it would change anything."""

    summary: PlanSummary
    unmet: UnmetList
    differs: bool


def week_overview(
    *,
    session: DbSession,
    plan_id: int,
    venue: str | None = None,
    class_type: str | None = None,
    reason: str | None = None,
) -> WeekOverview:
    """The plan `plan_id` summed up, and its unmet wants filtered by the choices given.

    A choice the week does not have (a venue, class type or reason it lacks) is no filter.
    """
    row = plan_row(session, plan_id)
    week_start = session.get(models.Week, row.week_id).week_start
    week = load_stored_week(session=session, week_start=week_start)
    plan = load_stored_plan(session=session, plan_id=row.id)
    # A stored plan keeps only the client's words: explain it afresh, facts and all.
    explained = replace(plan, unplaced=explain_unplaced(week, plan))
    run = session.exec(select(models.SolveRun).where(models.SolveRun.plan_id == row.id)).first()
    kept = run.kept if run is not None and run.kept else 0
    pinned = bool(week.pinned_sessions or week.pinned_allocations)
    sentence, bound_words = closeness(row.priority_places, row.bound, kept=kept, pinned=pinned)
    wanted = {c.id: sum(w.per_week for w in c.wants) for c in week.clients if c.wants}
    missing = sum(u.missing for u in explained.unplaced)
    summary = PlanSummary(
        places=sum(wanted.values()) - missing,
        places_wanted=sum(wanted.values()),
        clients_served=len(set(wanted) - {u.client for u in explained.unplaced}),
        clients=len(wanted),
        closeness=sentence,
        bound_words=bound_words,
    )
    return WeekOverview(
        summary=summary,
        unmet=unmet_wants(week, explained, venue=venue, class_type=class_type, reason=reason),
        differs=differs_from_published(session=session, plan_id=plan_id, plan=plan),
    )


def unmet_wants(
    week: Week,
    plan: Plan,
    *,
    venue: str | None = None,
    class_type: str | None = None,
    reason: str | None = None,
) -> UnmetList:
    """The plan's unmet wants (explained: each with its `why`) in the owner's words,
    by client name, grouped by what is in the way; filtered to clients of `venue`,
    wants of `class_type` and the group `reason`."""
    names = week_names(week)
    venue = venue if venue in names.venues else None
    class_type = class_type if class_type in names.class_types else None
    reason = reason if reason in REASON_GROUPS else None
    clients = week.client_by_id
    sessions = {s.id: s for s in plan.sessions}
    rows = sorted(
        (
            UnmetRow(
                client=u.client,
                name=clients[u.client].name if u.client in clients else u.client,
                class_types=" or ".join(names.class_type(t) for t in u.class_types),
                missing=u.missing,
                reasons=tuple(reason_words(r, names, sessions) for r in u.why),
                group=reason_group(u.why),
            )
            for u in plan.unplaced
            if (venue is None or u.client in clients and venue in clients[u.client].venues)
            and (class_type is None or class_type in u.class_types)
        ),
        key=lambda r: (r.name, r.client, r.class_types),
    )
    wants: Counter[str] = Counter(r.group for r in rows)
    places: Counter[str] = Counter()
    for r in rows:
        places[r.group] += r.missing
    groups = tuple(
        ReasonCount(key, REASON_GROUPS.get(key, key), wants[key], places[key])
        for key in sorted(wants, key=lambda k: (-places[k], REASON_GROUPS.get(k, k)))
    )
    shown = tuple(r for r in rows if reason is None or r.group == reason)
    return UnmetList(
        rows=shown,
        groups=groups,
        wants=len(shown),
        places=sum(r.missing for r in shown),
        venues=tuple(names.venues.items()),
        class_types=tuple(names.class_types.items()),
        venue=venue,
        class_type=class_type,
        reason=reason,
    )
