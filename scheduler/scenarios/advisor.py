"""The capacity advisor: try each single change the studio could make, rank what it gains.

`candidate_changes(week)` lists the changes worth trying, each a `reformer-scenario/1`
change with a description in the studio's words: one more reformer in each reformer
room, one more mat space in each mat room, an hour more opening at each venue on each
day, an hour more of an instructor's time at a venue on a day they teach there, an hour
more of an instructor's daily or weekly cap, and a class type one place bigger or able
to run with one client fewer. Changes that cannot help by construction (an hour when
the venue is closed, or no instructor could teach) are left out.

`prerank` orders them cheaply from the base plan: the priority places of wants not
met that each change could reach (right venue, class type and hours), those whose
reason fits the change (classes full for more room; no instructor or closed for more
hours) first. The ranking itself always comes from solves: the base week is solved
once and every candidate's week is solved from the base plan as a hint
(`evaluate_candidate`, one function, so one candidate can run as a task anywhere).
Candidates are ranked by priority places gained, then revenue gained, then gain per
pound where a cost is given; each gain carries its certainty from both plans' bounds.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from scheduler.core.names import week_names
from scheduler.formats import bounds
from scheduler.formats.times import format_time
from scheduler.scenarios.changes import apply_change
from scheduler.scenarios.document import SCENARIO_FORMAT, ScenarioChange, ScenarioError
from scheduler.scenarios.report import (
    BrokenPlanError,
    certainty,
    measure,
    reason_kind,
    solve_and_measure,
)
from scheduler.scenarios.words import DAY_NAMES
from scheduler.tasks.pool import ON_THIS_MACHINE, Pool, run_tasks
from solver.checker import check_plan
from solver.domain import (
    DAYS,
    MINUTES_PER_DAY,
    Client,
    InstructorWindow,
    PinnedAllocation,
    PinnedSession,
    Plan,
    Session,
    Unplaced,
    Week,
    Window,
)

ADVICE_FORMAT = "reformer-advice/1"

HOUR = 60

# Reasons (in `report.REASON_KINDS` words) that more room in a class would answer ...
ROOM_REASONS = frozenset(
    {
        "the classes in their hours are full",
        "no reformer with what they need is free",
        "a class that fits has a free place (solver out of time)",
    }
)
# ... and those that more hours (of a venue or an instructor) would answer.
HOURS_REASONS = frozenset(
    {
        "no instructor available at their venues and hours",
        "the instructors are teaching other classes then",
        "their venues are closed in their hours",
        "no such class at their venues and hours",
        "the rooms are taken by other classes",
        "a class could run for them (solver out of time)",
    }
)
SMALL_CLASS_REASONS = frozenset({"too few clients for a class to run"})

AdviceProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Candidate:
    """One change to try: a stable key, the `reformer-scenario/1` change, its words.

    `reaches(facts, client, want)` says whether the change could give that unmet want
    a place, from what the base plan shows (`BaseFacts`); `reasons` are the reasons
    for an unmet want it answers.
    """

    key: str
    change: dict[str, Any]
    description: str
    reaches: Callable[[BaseFacts, Client, Unplaced], bool] = field(compare=False, repr=False)
    reasons: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    cost: float | None = None
    reach: int = 0
    fitting_reach: int = 0

    def as_json(self) -> dict[str, Any]:
        """The candidate as the advice document lists it."""
        return {
            "key": self.key,
            "change": dict(self.change),
            "description": self.description,
            "cost": self.cost,
            "reach": {"priority_places": self.reach, "reason_fits": self.fitting_reach},
        }


# Reasons no change of the studio's answers: the client's own (clearance, intro, limits).
CLIENT_REASONS = frozenset(
    {
        "it needs GP clearance",
        "an intro 1-2-1 must come first",
        "already at their classes-a-day limit",
        "it clashes with their other classes",
        "the class is not offered at their level",
    }
)


@dataclass(frozen=True)
class BaseFacts:
    """What the base plan shows that the pre-ranking reads: its full classes, and the
    minutes each instructor teaches each day and all week."""

    week: Week
    full: tuple[Session, ...]
    day_minutes: Mapping[tuple[str, int], int]
    week_minutes: Mapping[str, int]

    @classmethod
    def of(cls, week: Week, plan: Plan) -> BaseFacts:
        """The facts of `plan` for `week`."""
        taken = Counter(a.session for a in plan.allocations)
        types, rooms = week.class_type_by_id, week.rooms
        full = tuple(
            s
            for s in plan.sessions
            if s.room in rooms
            and s.class_type in types
            and taken[s.id] >= week.capacity(types[s.class_type], rooms[s.room])
        )
        day: Counter[tuple[str, int]] = Counter()
        for s in plan.sessions:
            day[s.instructor, s.start // MINUTES_PER_DAY] += s.end - s.start
        total: Counter[str] = Counter()
        for (who, _), minutes in day.items():
            total[who] += minutes
        return cls(week, full, day, total)

    def turned_away(
        self, client: Client, want: Unplaced, *, room: str | None = None, sized: bool = False
    ) -> bool:
        """A full class the want could have had (in `room`; with `sized`, one its class
        type's size fills, not the room) at one of the client's venues, in their hours."""
        types = self.week.class_type_by_id
        return any(
            s.class_type in want.class_types
            and s.venue in client.venues
            and (room is None or s.room == room)
            and (not sized or types[s.class_type].max_size < self._room_limit(s))
            and any(w.contains(s.start, s.end) for w in client.availability)
            for s in self.full
        )

    def _room_limit(self, session: Session) -> int:
        room = self.week.rooms[session.room]
        kind = self.week.class_type_by_id[session.class_type]
        return len(room.reformers_in_service) if kind.uses_reformers else room.mat_spaces

    def shortest_class(self, instructor: str) -> int:
        """The minutes of the shortest class the instructor teaches."""
        person = self.week.instructor_by_id[instructor]
        types = self.week.class_type_by_id
        return min((types[t].minutes for t in person.teaches if t in types), default=HOUR)

    def day_is_full(self, instructor: str, day: int) -> bool:
        """The instructor cannot teach another class that day: their daily cap is reached."""
        person = self.week.instructor_by_id[instructor]
        used = self.day_minutes.get((instructor, day), 0)
        return used + self.shortest_class(instructor) > person.max_day_minutes

    def week_is_full(self, instructor: str) -> bool:
        """The instructor cannot teach another class this week: their weekly cap is reached."""
        person = self.week.instructor_by_id[instructor]
        used = self.week_minutes.get(instructor, 0)
        return used + self.shortest_class(instructor) > person.max_week_minutes


# --- the changes worth trying ------------------------------------------------------------


def _day_window(minute: int) -> tuple[str, int]:
    return DAYS[minute // MINUTES_PER_DAY], minute % MINUTES_PER_DAY


def _overlaps(a: Window, start: int, end: int) -> bool:
    return a.start < end and start < a.end


def _client_free(client: Client, start: int, end: int) -> bool:
    return any(_overlaps(w, start, end) for w in client.availability)


def _wants_kind(week: Week, want: Unplaced, equipment: str) -> bool:
    types = week.class_type_by_id
    return any(t in types and types[t].equipment == equipment for t in want.class_types)


def _reformer_rooms(week: Week) -> list[Candidate]:
    if not any(c.uses_reformers for c in week.class_types):
        return []
    found = []
    for venue in week.venues:
        for room in venue.rooms:
            if not room.reformers or len(room.reformers) >= bounds.REFORMERS_PER_ROOM:
                continue
            where = week_names(week).room(room.id)

            def plain(facts: BaseFacts, c: Client, u: Unplaced, r: str = room.id) -> bool:
                return not c.needs and facts.turned_away(c, u, room=r)

            found.append(
                Candidate(
                    f"add_reformers:{room.id}",
                    {"kind": "add_reformers", "room": room.id, "count": 1},
                    f"One more reformer in {where}",
                    plain,
                    ROOM_REASONS,
                )
            )
            # A client who needs a feature (a raised reformer) is helped only by one that has it.
            needed = sorted({f for c in week.clients if venue.id in c.venues for f in c.needs})
            for feature in needed:

                def with_feature(
                    facts: BaseFacts, c: Client, u: Unplaced, v: str = venue.id, f: str = feature
                ) -> bool:
                    return (
                        f in c.needs
                        and c.needs <= {f}
                        and v in c.venues
                        and _wants_kind(facts.week, u, "reformer")
                    )

                found.append(
                    Candidate(
                        f"add_reformers:{room.id}:{feature}",
                        {
                            "kind": "add_reformers",
                            "room": room.id,
                            "count": 1,
                            "features": [feature],
                        },
                        f"One more {feature} reformer in {where}",
                        with_feature,
                        ROOM_REASONS,
                    )
                )
    return found


def _mat_rooms(week: Week) -> list[Candidate]:
    if not any(c.equipment == "mat" for c in week.class_types):
        return []
    found = []
    for venue in week.venues:
        for room in venue.rooms:
            if room.mat_spaces <= 0 or room.mat_spaces >= bounds.MAT_SPACES[1]:
                continue

            def reaches(facts: BaseFacts, c: Client, u: Unplaced, r: str = room.id) -> bool:
                return facts.turned_away(c, u, room=r)

            found.append(
                Candidate(
                    f"mat_spaces:{room.id}",
                    {"kind": "mat_spaces", "room": room.id, "mat_spaces": room.mat_spaces + 1},
                    f"One more mat space in {week_names(week).room(room.id)} "
                    f"({room.mat_spaces + 1} instead of {room.mat_spaces})",
                    reaches,
                    ROOM_REASONS,
                )
            )
    return found


def _hour_before_and_after(window: Window) -> list[tuple[str, Window, Window]]:
    """The window an hour earlier and an hour later, each with the hour it adds, within its day."""
    day_start = window.day * MINUTES_PER_DAY
    out = []
    if window.start - HOUR >= day_start:
        out.append(
            (
                "earlier",
                Window(window.start - HOUR, window.end),
                Window(window.start - HOUR, window.start),
            )
        )
    if window.end + HOUR <= day_start + MINUTES_PER_DAY:
        out.append(
            (
                "later",
                Window(window.start, window.end + HOUR),
                Window(window.end, window.end + HOUR),
            )
        )
    return out


def _window_json(w: Window) -> dict[str, str]:
    day, start = _day_window(w.start)
    end = w.end - w.day * MINUTES_PER_DAY
    return {"day": day, "from": format_time(start), "to": format_time(end)}


def _reach_by_hours(venue: str, hour: Window, instructors: tuple[str, ...]):
    """Unmet wants at `venue` of a client free in `hour`, of a class type one of
    `instructors` teaches who has a class to spare that day and that week."""

    def reaches(facts: BaseFacts, c: Client, u: Unplaced) -> bool:
        if venue not in c.venues or not _client_free(c, hour.start, hour.end):
            return False
        people = facts.week.instructor_by_id
        return any(
            any(t in people[i].teaches for t in u.class_types)
            and not facts.day_is_full(i, hour.day)
            and not facts.week_is_full(i)
            for i in instructors
        )

    return reaches


def _opening_hours(week: Week) -> list[Candidate]:
    """An hour more at each venue on each day it opens, where an instructor could teach it."""
    if week.only_pinned_sessions:
        return []
    found = []
    for venue in week.venues:
        for index, day in enumerate(DAYS):
            windows = sorted((w for w in venue.open if w.day == index), key=lambda w: w.start)
            if not windows:
                continue
            for end, window in (("earlier", windows[0]), ("later", windows[-1])):
                for direction, longer, hour in _hour_before_and_after(window):
                    teachers = _teachers(week, venue.id, hour)
                    if direction != end or not teachers:
                        continue
                    hours = [longer if w is window else w for w in windows]
                    if len(hours) == 1:
                        change = {"kind": "open_day", "venue": venue.id, **_window_json(longer)}
                    else:  # open_day would fill the gap between the day's windows too
                        others = [w for w in venue.open if w.day != index]
                        change = {
                            "kind": "open_venue",
                            "venue": venue.id,
                            "open": [
                                _window_json(w)
                                for w in sorted([*others, *hours], key=lambda w: w.start)
                            ],
                        }
                    when = _window_json(longer)
                    words = (
                        f"{venue.name} opens an hour earlier on {DAY_NAMES[day]} "
                        f"(from {when['from']})"
                        if direction == "earlier"
                        else f"{venue.name} stays open an hour later on {DAY_NAMES[day]} "
                        f"(until {when['to']})"
                    )
                    found.append(
                        Candidate(
                            f"open_day:{venue.id}:{day}:{direction}",
                            change,
                            words,
                            _reach_by_hours(venue.id, hour, teachers),
                            HOURS_REASONS,
                        )
                    )
    return found


def _teachers(week: Week, venue: str, hour: Window) -> tuple[str, ...]:
    """The instructors who could teach at `venue` in some of `hour`."""
    return tuple(
        i.id
        for i in week.instructors
        if any(venue in w.venues and _overlaps(w, hour.start, hour.end) for w in i.availability)
    )


def _open_during(week: Week, venue: str, hour: Window) -> bool:
    return any(_overlaps(w, hour.start, hour.end) for w in week.venue_by_id[venue].open)


def _instructor_hours(week: Week) -> list[Candidate]:
    """An hour more of each instructor's time, before or after each window, at each venue of it."""
    if week.only_pinned_sessions:
        return []
    found = []
    for person in week.instructors:
        for k, window in enumerate(person.availability):
            for venue in window.venues:
                if venue not in week.venue_by_id:
                    continue
                for direction, longer, hour in _hour_before_and_after(window):
                    if not _open_during(week, venue, hour):
                        continue
                    extended = InstructorWindow(longer.start, longer.end, (venue,))
                    if window.venues == (venue,):
                        windows = [
                            extended if j == k else w for j, w in enumerate(person.availability)
                        ]
                    else:  # the hour at this venue only: its other venues keep their hours
                        windows = [*person.availability, extended]
                    change = {
                        "kind": "change_instructor",
                        "instructor": person.id,
                        "availability": [
                            {**_window_json(w), "venues": list(w.venues)} for w in windows
                        ],
                    }
                    day_key, minute = _day_window(window.start)
                    day = DAY_NAMES[day_key]
                    slot = f"{day_key}-{format_time(minute).replace(':', '')}"
                    place = week.venue_by_id[venue].name
                    when = _window_json(longer)
                    words = (
                        f"{person.name} teaches an hour earlier on {day} at {place} "
                        f"(from {when['from']})"
                        if direction == "earlier"
                        else f"{person.name} teaches an hour later on {day} at {place} "
                        f"(until {when['to']})"
                    )
                    found.append(
                        Candidate(
                            f"change_instructor:{person.id}:{venue}:{slot}:{direction}",
                            change,
                            words,
                            _reach_by_hours(venue, hour, (person.id,)),
                            HOURS_REASONS,
                        )
                    )
    return found


def _hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _instructor_caps(week: Week) -> list[Candidate]:
    """An hour more of each instructor's daily cap, and of their weekly cap."""
    if week.only_pinned_sessions:
        return []
    found = []
    for person in week.instructors:
        teaches = frozenset(person.teaches)

        def free_with(c: Client, u: Unplaced, days: set[int], who=person, t=teaches) -> bool:
            """The client could meet the instructor on one of `days` at a shared venue."""
            return any(x in t for x in u.class_types) and any(
                w.day in days and set(w.venues) & set(c.venues) and _client_free(c, w.start, w.end)
                for w in who.availability
            )

        def day_cap(facts: BaseFacts, c: Client, u: Unplaced, who=person) -> bool:
            full = {d for d in range(len(DAYS)) if facts.day_is_full(who.id, d)}
            return not facts.week_is_full(who.id) and free_with(c, u, full)

        def week_cap(facts: BaseFacts, c: Client, u: Unplaced, who=person) -> bool:
            open_days = {d for d in range(len(DAYS)) if not facts.day_is_full(who.id, d)}
            return facts.week_is_full(who.id) and free_with(c, u, open_days)

        reach_of = {"max_day_minutes": day_cap, "max_week_minutes": week_cap}
        for cap, limit, words in (
            ("max_day_minutes", bounds.DAY_MINUTES[1], "a day"),
            ("max_week_minutes", bounds.WEEK_MINUTES[1], "a week"),
        ):
            now = getattr(person, cap)
            if now + HOUR > limit:
                continue
            found.append(
                Candidate(
                    f"change_instructor:{person.id}:{cap}",
                    {"kind": "change_instructor", "instructor": person.id, cap: now + HOUR},
                    f"{person.name} may teach an hour more {words} "
                    f"({_hours_text(now + HOUR)} instead of {_hours_text(now)})",
                    reach_of[cap],
                    HOURS_REASONS,
                )
            )
    return found


def _class_sizes(week: Week) -> list[Candidate]:
    """A class type one place bigger where its size, not the room, is the limit; one client
    fewer to run where it needs more than one."""
    found = []
    for kind in week.class_types:
        if kind.one_to_one:
            continue

        def bigger(facts: BaseFacts, c: Client, u: Unplaced, t: str = kind.id) -> bool:
            return t in u.class_types and facts.turned_away(c, u, sized=True)

        def smaller(facts: BaseFacts, c: Client, u: Unplaced, t: str = kind.id) -> bool:
            return t in u.class_types

        room_limited = [
            r
            for r in week.rooms.values()
            if (len(r.reformers_in_service) if kind.uses_reformers else r.mat_spaces)
            > kind.max_size
        ]
        if room_limited and kind.max_size < bounds.CLASS_SIZE[1]:
            found.append(
                Candidate(
                    f"class_type:{kind.id}:max_size",
                    {"kind": "class_type", "class_type": kind.id, "max_size": kind.max_size + 1},
                    f"{kind.name} classes take {kind.max_size + 1} (instead of {kind.max_size})",
                    bigger,
                    ROOM_REASONS,
                )
            )
        if kind.min_size > 1 and not week.only_pinned_sessions:
            found.append(
                Candidate(
                    f"class_type:{kind.id}:min_size",
                    {"kind": "class_type", "class_type": kind.id, "min_size": kind.min_size - 1},
                    f"{kind.name} classes run with {kind.min_size - 1} clients "
                    f"(instead of at least {kind.min_size})",
                    smaller,
                    SMALL_CLASS_REASONS | HOURS_REASONS,
                )
            )
    return found


def candidate_changes(week: Week, costs: Mapping[str, float] | None = None) -> list[Candidate]:
    """Every single change worth trying on `week`, each priced from `costs` where it says.

    A cost is looked up by the candidate's key, then by its kind of change.
    """
    found = [
        *_reformer_rooms(week),
        *_mat_rooms(week),
        *_class_sizes(week),
        *_opening_hours(week),
        *_instructor_hours(week),
        *_instructor_caps(week),
    ]
    costs = costs or {}
    return [replace(c, cost=costs.get(c.key, costs.get(c.change["kind"]))) for c in found]


def check_costs(costs: Any, candidates: list[Candidate]) -> dict[str, float]:
    """A costs document: pounds by candidate key or kind of change. Raises `ScenarioError`."""
    if not isinstance(costs, dict):
        raise ScenarioError(["$: must be an object of pounds by change key or kind"])
    known = {c.key for c in candidates} | {c.change["kind"] for c in candidates}
    errors = []
    for key, value in costs.items():
        if key not in known:
            errors.append(f"$.{key}: no candidate change has this key or kind")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            errors.append(f"$.{key}: must be a cost in pounds above 0, not {value!r}")
        elif not math.isfinite(value):
            errors.append(f"$.{key}: must be a finite number of pounds")
    if errors:
        raise ScenarioError(errors)
    return {k: float(v) for k, v in costs.items()}


def advice_scenario(row: Mapping[str, Any], week_start: str) -> dict[str, Any]:
    """A candidate (or a row of the ranking) as a `reformer-scenario/1` document of its own."""
    return {
        "format": SCENARIO_FORMAT,
        "name": row["description"],
        "description": "Suggested by the capacity advisor.",
        "base": {"week_start": week_start},
        "changes": [dict(row["change"])],
    }


# --- the cheap pre-ranking ------------------------------------------------------------------


def prerank(week: Week, base: Plan, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates, most promising first, each with the unmet demand it could reach.

    `reach` is the priority places of the base plan's unmet wants the change could
    give a place to; `fitting_reach` counts only those whose reason it answers.
    Ordered by fitting reach, then reach; ties keep the candidates' own order.
    """
    clients = week.client_by_id
    facts = BaseFacts.of(week, base)
    # A want turned down only for the client's own reasons is no capacity problem.
    wants = [
        (u, clients[u.client], {reason_kind(r) for r in u.reasons})
        for u in base.unplaced
        if u.client in clients
    ]
    wants = [(u, c, kinds) for u, c, kinds in wants if not kinds or kinds - CLIENT_REASONS]
    ranked = []
    for candidate in candidates:
        reach = fitting = 0
        for want, who, kinds in wants:
            if not candidate.reaches(facts, who, want):
                continue
            places = who.priority * want.missing
            reach += places
            if kinds & candidate.reasons:
                fitting += places
        ranked.append(replace(candidate, reach=reach, fitting_reach=fitting))
    return sorted(ranked, key=lambda c: (-c.fitting_reach, -c.reach))


# --- solving the candidates -----------------------------------------------------------------


@dataclass(frozen=True)
class AdviceJob:
    """What an advisor run needs: the week, prices, the base plan (if stored), what to try."""

    week: Week
    prices: dict[str, float]
    candidates: list[Candidate]
    time_limit: float
    base_time_limit: float
    base_plan: Plan | None = None
    base_source: str = "solved"
    not_tried: list[Candidate] = field(default_factory=list)
    seed: int = 0


def plan_advice(
    week: Week,
    prices: Mapping[str, float],
    *,
    time_limit: float,
    base_time_limit: float | None = None,
    top: int | None = None,
    costs: Any = None,
    base_plan: Plan | None = None,
    base_source: str = "solved",
    seed: int = 0,
) -> AdviceJob:
    """The candidates to try (the `top` most promising, if given), for `run_advice`.

    A `base_plan` that breaks a hard rule of the week (or has no bound) is not used:
    the base is solved instead, for `base_time_limit` (default: `BASE_TIME_FACTOR`
    times `time_limit`). Without one, candidates are pre-ranked after the
    base is solved.
    """
    candidates = candidate_changes(week)
    if costs is not None:
        candidates = candidate_changes(week, check_costs(costs, candidates))
    if base_plan is not None and (base_plan.bound is None or check_plan(week, base_plan)):
        base_plan, base_source = None, "solved"
    if base_plan is not None:
        candidates = prerank(week, base_plan, candidates)
    tried = candidates if top is None else candidates[:top]
    return AdviceJob(
        week=week,
        prices=dict(prices),
        candidates=tried,
        time_limit=time_limit,
        base_time_limit=base_time_limit or BASE_TIME_FACTOR * time_limit,
        base_plan=base_plan,
        base_source=base_source,
        not_tried=candidates[len(tried) :],
        seed=seed,
    )


# The base is solved once for all the changes: it gets this many times a change's seconds.
BASE_TIME_FACTOR = 3

# The share of a candidate's time each quick stage may use at most (each is usually
# proven best in a second or two, being so much smaller than the week).
QUICK_SHARE = 0.2


def evaluate_candidate(
    week: Week,
    prices: Mapping[str, float],
    base_figures: Mapping[str, Any],
    base_plan: Plan,
    change: dict[str, Any],
    time_limit: float,
    seed: int = 0,
) -> dict[str, Any]:
    """One candidate: the week after `change`, solved from the base plan on one core, measured.

    Three solves, in `time_limit` seconds in all: two quick ones that keep the base
    plan's timetable (its clients booked again into its classes with the change's
    room; or every place of the base plan kept and classes added where the change
    allows), then the whole changed week for the time left, starting from the best
    of those. The best plan that keeps every rule of the changed week is measured;
    its bound is the whole week's solve's (the quick ones prove bounds only of their
    smaller problems). The base plan itself stands if nothing beats it.

    Plain arguments in, a JSON-ready dict out, so it can run in any process or on a
    cluster. A failed solve is reported in the result (`error`), not raised.
    """
    from solver.solve import NoPlanError  # CP-SAT loads only in the process that solves

    fields = {k: v for k, v in change.items() if k != "kind"}
    changed = apply_change(week, ScenarioChange(change["kind"], fields))
    best, best_places, found_by = None, -1, "base plan"
    if not check_plan(changed, base_plan):
        best, best_places = base_plan, _priority_places(changed, base_plan)
    stages: dict[str, int | None] = {}
    for stage, variant in _quick_stages(changed, base_plan):
        try:
            plan = solve_and_measure(
                variant, prices, time_limit=time_limit * QUICK_SHARE, workers=1, seed=seed
            ).plan
        except (NoPlanError, BrokenPlanError):
            stages[stage] = None
            continue
        # A quick stage's plan counts only if it keeps every rule of the week as changed:
        # its classes, pinned there, were spared the smallest class size.
        plan = _without_small_classes(changed, plan)
        ok = not check_plan(changed, plan)
        stages[stage] = _priority_places(changed, plan) if ok else None
        if ok and stages[stage] > best_places:
            best, best_places, found_by = plan, stages[stage], stage
    try:
        outcome = solve_and_measure(
            changed,
            prices,
            # What is left of the time limit, counted as work, never by the clock.
            time_limit=max(1.0, time_limit * (1 - 2 * QUICK_SHARE)),
            workers=1,
            seed=seed,
            hint=best or base_plan,
        )
    except (NoPlanError, BrokenPlanError) as exc:
        return {"error": "\n".join(getattr(exc, "errors", [])) or str(exc)}
    figures = outcome.optimiser
    found = bool(outcome.plan.sessions) or not figures["places_wanted"]
    stages["whole week"] = figures["priority_places"] if found else None
    # A tie goes to the quick stage: the whole week's solve started from its plan.
    whole = figures["priority_places"]
    quick = found_by != "base plan"
    if best is not None and (best_places > whole or (quick and best_places == whole)):
        figures = {
            **measure(changed, best, prices),
            "bound": figures["bound"],
            "status": "FEASIBLE",
        }
    else:
        found_by = "whole week"
    return {
        "figures": figures,
        "gains": _gains(base_figures, figures),
        "certainty": certainty(base_figures, figures),
        "plan_found": found,
        "found_by": found_by,
        "stages": stages,
    }


def _priority_places(week: Week, plan: Plan) -> int:
    clients = week.client_by_id
    return sum(clients[a.client].priority for a in plan.allocations)


def _without_small_classes(week: Week, plan: Plan) -> Plan:
    """The plan less any unpinned class with fewer clients than its type needs to run."""
    types = week.class_type_by_id
    pinned = {p.id for p in week.pinned_sessions}
    taken = Counter(a.session for a in plan.allocations)
    small = {
        s.id
        for s in plan.sessions
        if s.id not in pinned and taken[s.id] < types[s.class_type].min_size
    }
    if not small:
        return plan
    return replace(
        plan,
        sessions=tuple(s for s in plan.sessions if s.id not in small),
        allocations=tuple(a for a in plan.allocations if a.session not in small),
    )


def _quick_stages(changed: Week, base: Plan) -> list[tuple[str, Week]]:
    """The changed week narrowed to the base plan's timetable, two ways (the week's own
    pins kept as they are)."""
    rooms = changed.rooms
    pinned = {p.id for p in changed.pinned_sessions}
    sessions = changed.pinned_sessions + tuple(
        PinnedSession(s.id, s.class_type, s.room, s.start, s.instructor)
        for s in base.sessions
        if s.room in rooms and s.id not in pinned
    )
    kept = {s.id for s in sessions}
    placed = {(a.client, a.session) for a in changed.pinned_allocations}
    places = changed.pinned_allocations + tuple(
        PinnedAllocation(a.client, a.session, a.reformer)
        for a in base.allocations
        if a.session in kept and (a.client, a.session) not in placed
    )
    return [
        ("base timetable", replace(changed, pinned_sessions=sessions, only_pinned_sessions=True)),
        (
            "base places kept",
            replace(changed, pinned_sessions=sessions, pinned_allocations=places),
        ),
    ]


def _gains(base: Mapping[str, Any], changed: Mapping[str, Any]) -> dict[str, Any]:
    def delta(key: str) -> Any:
        if base.get(key) is None or changed.get(key) is None:
            return None
        return round(changed[key] - base[key], 2)

    return {
        key: delta(key)
        for key in (
            "priority_places",
            "revenue",
            "places",
            "clients_fully_served",
            "clients_not_served",
            "unplaced_places",
        )
    }


def _per_pound(gains: Mapping[str, Any], cost: float | None) -> dict[str, Any] | None:
    if not cost:
        return None
    return {
        "priority_places": round(gains["priority_places"] / cost, 4),
        "revenue": None if gains["revenue"] is None else round(gains["revenue"] / cost, 4),
    }


def rank_key(row: Mapping[str, Any]) -> tuple:
    """How rows sort: priority places gained, revenue gained, then places gained per pound
    (rows with no cost after those with one); a failed candidate last."""
    if "error" in row:
        return (1, 0, 0, 0, 0)
    gains, per = row["gains"], row["per_pound"]
    return (
        0,
        -gains["priority_places"],
        -(gains["revenue"] or 0),
        0 if per else 1,
        -(per["priority_places"] if per else 0),
    )


def run_advice(
    job: AdviceJob,
    *,
    pool: Pool = ON_THIS_MACHINE,
    on_progress: AdviceProgress | None = None,
) -> dict[str, Any]:
    """Solve the base (unless the job has its plan) and every candidate; the advice document.

    The base is solved here, on every core; the candidates are tasks on `pool`, one
    core each (the same answer wherever they run: each row says where it ran).
    `on_progress(candidates done, candidates in all, what)` follows the run.
    """
    started = time.monotonic()
    total = len(job.candidates)

    def progress(done: int, what: str) -> None:
        if on_progress is not None:
            on_progress(done, total, what)

    job = _with_base(job, pool.local_processes(), progress)
    base_figures = measure(job.week, job.base_plan, job.prices)
    rows: dict[int, dict[str, Any]] = {}

    def record(i: int, result: dict[str, Any]) -> None:
        candidate = job.candidates[i]
        row = {**candidate.as_json(), **result}
        if "gains" in row:
            row["per_pound"] = _per_pound(row["gains"], candidate.cost)
        rows[i] = row
        progress(len(rows), f"tried: {candidate.description}")

    args = [
        (job.week, job.prices, base_figures, job.base_plan, c.change, job.time_limit, job.seed)
        for c in job.candidates
    ]
    progress(0, f"trying {total} changes on {pool.describe()}")
    for task in run_tasks(pool, evaluate_candidate, args, lambda t: record(t.index, t.result)):
        rows[task.index]["ran_on"] = task.where
    # Equal gains keep the pre-ranking's order, not the order the solves finished in.
    ranking = sorted((rows[i] for i in sorted(rows)), key=rank_key)
    for n, row in enumerate(ranking, start=1):
        row["rank"] = n
    warnings = [
        f"no plan found for “{r['description']}” in {job.time_limit:g} s (the base plan "
        "stands for it): give it more time"
        for r in ranking
        if r.get("plan_found") is False
    ]
    warnings += [f"“{r['description']}” failed: {r['error']}" for r in ranking if "error" in r]
    return {
        "format": ADVICE_FORMAT,
        "week_start": job.week.week_start,
        "time_limit": job.time_limit,
        "base_time_limit": job.base_time_limit,
        "base": {"source": job.base_source, "figures": base_figures},
        "ranking": ranking,
        "not_tried": [c.as_json() for c in job.not_tried],
        "warnings": warnings,
        "solved_on": pool.describe(),
        "seconds": round(time.monotonic() - started, 1),
    }


def _with_base(job: AdviceJob, processes: int, progress: Callable[[int, str], None]) -> AdviceJob:
    """The job with its base plan: solved now (on every core) if it has none, then pre-ranked."""
    if job.base_plan is not None:
        return job
    progress(0, f"solving the base week ({job.base_time_limit:g} s)")
    outcome = solve_and_measure(
        job.week,
        job.prices,
        time_limit=job.base_time_limit,
        workers=processes,
        seed=job.seed,
    )
    # Only now is the unmet demand known: order the candidates by it and keep as many.
    everything = prerank(job.week, outcome.plan, [*job.candidates, *job.not_tried])
    count = len(job.candidates)
    return replace(
        job,
        base_plan=outcome.plan,
        base_source=f"the week solved for {job.base_time_limit:g} s",
        candidates=everything[:count],
        not_tried=everything[count:],
    )
