"""The CP-SAT model of a week: one function per hard rule, and the objective level by level.

Clients' places hang on a slot (class type, room, start), not on each
instructor's copy of it: `runs[slot]` says the session runs, `teaches[slot,
instructor]` who teaches it (exactly one when it runs), `placed[client, slot]`
exists only where rule 7 lets the client in. Overlaps are clique rows (one per
room, instructor or client and start time), which keeps the linear relaxation
tight enough to prove a good bound.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.candidates import Slot
from solver.domain import Objective, Week
from solver.rules import rule_7_client_can_go

# Above this many distinct need-sets in one session, Hall's condition has too many
# families to list and the model gives each needy client a reformer explicitly.
MAX_NEED_SETS_FOR_HALL = 5


@dataclass
class WeekModel:
    """The decision variables, keyed by domain ids, and the one way to read a solution."""

    week: Week
    slots: list[Slot]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    runs: dict[str, cp_model.IntVar] = field(default_factory=dict)
    teaches: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    placed: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    prefers_teacher: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    intro_done: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.slot_by_id = {s.id: s for s in self.slots}
        self.clients = self.week.client_by_id
        m = self.model
        for s in self.slots:
            self.runs[s.id] = m.new_bool_var(f"runs[{s.id}]")
            for i in s.instructors:
                self.teaches[s.id, i] = m.new_bool_var(f"teaches[{s.id},{i}]")
            for c in s.clients:
                self.placed[c, s.id] = m.new_bool_var(f"placed[{c},{s.id}]")
        self.slots_of_client: dict[str, list[Slot]] = defaultdict(list)
        for s in self.slots:
            for c in s.clients:
                self.slots_of_client[c].append(s)

    def levels(self) -> dict[str, cp_model.LinearExpr]:
        """The spec's "best", level by level, keyed by the figures of `Objective`: priority
        places, fairness points, preference points, teaching minutes."""
        priority_places = sum(self.clients[c].priority * var for (c, _), var in self.placed.items())
        fairness_points = sum(
            self.clients[c].missed_weeks * var for (c, _), var in self.placed.items()
        )
        preference_points = []
        for (c, sid), var in self.placed.items():
            client, slot = self.clients[c], self.slot_by_id[sid]
            if slot.venue in client.prefers_venues:
                preference_points.append(var)
            liked = [i for i in slot.instructors if i in client.prefers_instructors]
            if len(liked) == len(slot.instructors):
                preference_points.append(var)
            elif liked:
                preference_points.append(self._placed_with_liked_teacher(c, slot, liked))
        teaching_minutes = sum(s.class_type.minutes * self.runs[s.id] for s in self.slots)
        return {
            "priority_places": cp_model.LinearExpr.sum([priority_places]),
            "fairness_points": cp_model.LinearExpr.sum([fairness_points]),
            "preference_points": cp_model.LinearExpr.sum(preference_points),
            "teaching_minutes": cp_model.LinearExpr.sum([teaching_minutes]),
        }

    def _placed_with_liked_teacher(
        self, client: str, slot: Slot, liked: list[str]
    ) -> cp_model.IntVar:
        """A point when the client is placed and one of their preferred instructors teaches."""
        var = self.model.new_bool_var(f"prefers_teacher[{client},{slot.id}]")
        self.model.add(var <= self.placed[client, slot.id])
        self.model.add(var <= sum(self.teaches[slot.id, i] for i in liked))
        self.prefers_teacher[client, slot.id] = var
        return var

    def read(self, solver: cp_model.CpSolver) -> Solution:
        """The running slots, each one's instructor, each slot's clients, and every level."""
        running = [s for s in self.slots if solver.boolean_value(self.runs[s.id])]
        teacher = {
            s.id: next(i for i in s.instructors if solver.boolean_value(self.teaches[s.id, i]))
            for s in running
        }
        clients = {
            s.id: [c for c in s.clients if solver.boolean_value(self.placed[c, s.id])]
            for s in running
        }
        return self.solution(running, teacher, clients)

    def solution(
        self, running: list[Slot], teacher: dict[str, str], clients: dict[str, list[str]]
    ) -> Solution:
        """A solution of these slots, with its objective measured as the plan will be."""
        priority_places = fairness_points = preference_points = 0
        for s in running:
            for c in clients.get(s.id, ()):
                client = self.clients[c]
                priority_places += client.priority
                fairness_points += client.missed_weeks
                preference_points += s.venue in client.prefers_venues
                preference_points += teacher[s.id] in client.prefers_instructors
        teaching_minutes = sum(s.class_type.minutes for s in running)
        objective = Objective(
            priority_places=priority_places,
            fairness_points=fairness_points,
            preference_points=preference_points,
            teaching_minutes=teaching_minutes,
        )
        return Solution(running, teacher, clients, objective)

    def hint(self, solution: Solution) -> None:
        """Give CP-SAT a complete solution to start from (fixed variables are left alone)."""
        self.model.clear_hints()
        running = {s.id for s in solution.running}
        for s in self.slots:
            self.model.add_hint(self.runs[s.id], s.id in running)
            chosen = solution.teacher.get(s.id)
            for i in s.instructors:
                self.model.add_hint(self.teaches[s.id, i], i == chosen)
            inside = set(solution.clients.get(s.id, ()))
            for c in s.clients:
                self.model.add_hint(self.placed[c, s.id], c in inside)
        for (c, sid), var in self.prefers_teacher.items():
            slot = self.slot_by_id[sid]
            liked = solution.teacher.get(sid) in self.clients[c].prefers_instructors
            self.model.add_hint(var, liked and c in solution.clients.get(slot.id, ()))
        intro_ends: dict[str, list[int]] = defaultdict(list)
        for s in solution.running:
            if s.class_type.one_to_one:
                for c in solution.clients.get(s.id, ()):
                    intro_ends[c].append(s.end)
        for (c, t), var in self.intro_done.items():
            self.model.add_hint(var, any(end <= t for end in intro_ends[c]))


@dataclass
class Solution:
    """What a solved model says: which slots run, who teaches each, who is placed in each."""

    running: list[Slot]
    teacher: dict[str, str]
    clients: dict[str, list[str]]
    objective: Objective


def _start_points(slots: Iterable[Slot]) -> list[int]:
    return sorted({s.start for s in slots})


def _cliques(slots: list[Slot]) -> Iterable[list[Slot]]:
    """For each start time, the slots covering it: every set of overlapping slots lies in one.

    (Intervals that pairwise overlap share the latest of their starts.)
    """
    ordered = sorted(slots, key=lambda s: s.start)
    for t in _start_points(ordered):
        covering = [s for s in ordered if s.start <= t < s.end]
        if len(covering) > 1:
            yield covering


def add_rule_2_instructor_teaches_type_and_is_available_there(wm: WeekModel) -> None:
    """Its instructor teaches its class type, and one of the instructor's availability
    windows for that day lists the venue and wholly contains it.

    `teaches` exists only for such instructors; a running session has exactly one.
    """
    for s in wm.slots:
        wm.model.add(sum(wm.teaches[s.id, i] for i in s.instructors) == wm.runs[s.id])


def add_rule_3_sessions_in_one_room_never_overlap(wm: WeekModel) -> None:
    """Sessions in one room never overlap."""
    by_room: dict[str, list[Slot]] = defaultdict(list)
    for s in wm.slots:
        by_room[s.room.id].append(s)
    for slots in by_room.values():
        for clique in _cliques(slots):
            wm.model.add_at_most_one(wm.runs[s.id] for s in clique)


def add_rule_4_instructor_never_overlaps_travels_and_keeps_hours(wm: WeekModel) -> None:
    """An instructor's sessions never overlap; two sessions on one day at different venues
    are at least the travel time apart (end to start), and there is a listed travel time
    between those venues. An instructor teaches at most `max_day_minutes` a day and
    `max_week_minutes` a week."""
    week, m = wm.week, wm.model
    by_teacher_day: dict[tuple[str, int], list[Slot]] = defaultdict(list)
    for s in wm.slots:
        for i in s.instructors:
            by_teacher_day[i, s.day].append(s)
    at_venue: dict[tuple[str, int, str], cp_model.IntVar] = {}
    for (i, day), slots in by_teacher_day.items():
        for clique in _cliques(slots):
            m.add_at_most_one(wm.teaches[s.id, i] for s in clique)
        venues = sorted({s.venue for s in slots})
        for a, b in itertools.combinations(venues, 2):
            travel = week.travel(a, b)
            if travel is None:
                # No listed travel: one of the two venues only, all day.
                for v in (a, b):
                    if (i, day, v) not in at_venue:
                        at = m.new_bool_var(f"at_venue[{i},{day},{v}]")
                        for s in slots:
                            if s.venue == v:
                                m.add_implication(wm.teaches[s.id, i], at)
                        at_venue[i, day, v] = at
                m.add_at_most_one([at_venue[i, day, a], at_venue[i, day, b]])
                continue
            _add_journeys(
                wm,
                i,
                [s for s in slots if s.venue == a],
                [s for s in slots if s.venue == b],
                travel,
            )
            _add_journeys(
                wm,
                i,
                [s for s in slots if s.venue == b],
                [s for s in slots if s.venue == a],
                travel,
            )
        instructor = week.instructor_by_id[i]
        if sum(s.class_type.minutes for s in slots) > instructor.max_day_minutes:
            m.add(
                sum(s.class_type.minutes * wm.teaches[s.id, i] for s in slots)
                <= instructor.max_day_minutes
            )
    for instructor in week.instructors:
        taught = [(s, instructor.id) for s in wm.slots if (s.id, instructor.id) in wm.teaches]
        if sum(s.class_type.minutes for s, _ in taught) > instructor.max_week_minutes:
            m.add(
                sum(s.class_type.minutes * wm.teaches[s.id, i] for s, i in taught)
                <= instructor.max_week_minutes
            )


def _add_journeys(wm: WeekModel, i: str, here: list[Slot], there: list[Slot], travel: int) -> None:
    """Rows forbidding a session `there` that starts less than `travel` after one `here` ends.

    For each end time t of a session here: the sessions here running up to t (they
    overlap each other) with the sessions there starting in [t, t + travel), split
    into bands no longer than the shortest session so each band overlaps itself.
    Each row is a clique of the conflict graph, and every too-close pair is in one.
    """
    if travel <= 0 or not here or not there:
        return
    band = min(travel, min(s.class_type.minutes for s in there))
    for t in sorted({x.end for x in here}):
        before = [wm.teaches[x.id, i] for x in here if x.start < t <= x.end]
        for low in range(t, t + travel, band):
            after = [
                wm.teaches[y.id, i] for y in there if low <= y.start < min(low + band, t + travel)
            ]
            if after:
                wm.model.add_at_most_one(before + after)


def add_rule_5_capacity(wm: WeekModel) -> None:
    """Capacity: a reformer session holds at most `min(max_size, reformers in service in its
    room)` clients; a mat session at most `min(max_size, mat_spaces)`. A one-to-one type
    has `max_size` 1.

    Written per client too (`placed <= runs`), which tightens the relaxation.
    """
    m = wm.model
    for s in wm.slots:
        places = [wm.placed[c, s.id] for c in s.clients]
        if not places:
            continue
        m.add(sum(places) <= s.capacity * wm.runs[s.id])
        for var in places:
            m.add_implication(var, wm.runs[s.id])


def add_rule_6_session_that_runs_has_min_size_unless_pinned(wm: WeekModel) -> None:
    """A session that runs has at least `min_size` clients, unless it is pinned."""
    m = wm.model
    for s in wm.slots:
        if s.pinned is not None or s.class_type.min_size <= 0:
            continue
        places = [wm.placed[c, s.id] for c in s.clients]
        m.add(sum(places) >= s.class_type.min_size * wm.runs[s.id])


def add_rule_7_client_placed_only_where_they_can_go(wm: WeekModel) -> None:
    """A client is placed only in a session at one of their venues, inside one of their
    availability windows, of a class type in one of their wants, of a level the class type
    lists, and, where the class type requires it, only when `cleared`.

    `placed` exists only where candidate generation found the pair to keep the rule, but a
    pinned place is listed whatever it breaks: here it is refused.
    """
    for s in wm.slots:
        for c in s.clients:
            client = wm.clients[c]
            if not rule_7_client_can_go(client, s.class_type, s.venue, s.start, s.end):
                wm.model.add(wm.placed[c, s.id] == 0)


def add_rule_8_client_sessions_never_overlap_and_keep_limits(wm: WeekModel) -> None:
    """A client's sessions never overlap, number at most `max_per_day` on one day, and at
    most `per_week` for each want."""
    m = wm.model
    for c, slots in wm.slots_of_client.items():
        client = wm.clients[c]
        # With one class a day the day's row already forbids overlaps; rows per start
        # time would only slow the relaxation down.
        if client.max_per_day > 1:
            for clique in _cliques(slots):
                m.add_at_most_one(wm.placed[c, s.id] for s in clique)
        by_day: dict[int, list[Slot]] = defaultdict(list)
        for s in slots:
            by_day[s.day].append(s)
        for on_day in by_day.values():
            if len(on_day) > client.max_per_day:
                m.add(sum(wm.placed[c, s.id] for s in on_day) <= client.max_per_day)
        for want in client.wants:
            wanted = [s for s in slots if s.class_type.id in want.class_types]
            if len(wanted) > want.per_week:
                m.add(sum(wm.placed[c, s.id] for s in wanted) <= want.per_week)


def add_rule_9_intro_before_group(wm: WeekModel) -> None:
    """A client with `needs_intro` joins a group session only after the end of a
    one-to-one session of theirs earlier in the same week.

    `intro_done[c, t]` says an intro of the client has ended by time t, for each start
    t of a group session they could join; it grows only through intros ending since
    the previous such start. The group sessions starting at one t overlap, so at most
    one of them is allowed by it. This keeps the rows short (a row per group session
    summing every earlier intro grows with their product) and the relaxation as tight.
    """
    m = wm.model
    for c, slots in wm.slots_of_client.items():
        if not wm.clients[c].needs_intro:
            continue
        intros = [s for s in slots if s.class_type.one_to_one]
        groups_at: dict[int, list[Slot]] = defaultdict(list)
        for s in slots:
            if not s.class_type.one_to_one:
                groups_at[s.start].append(s)
        previous: cp_model.IntVar | None = None
        since = -1
        for t in sorted(groups_at):
            done = wm.intro_done[c, t] = m.new_bool_var(f"intro_done[{c},{t}]")
            ended = [wm.placed[c, o.id] for o in intros if since < o.end <= t]
            m.add(done <= sum(ended) + (previous if previous is not None else 0))
            m.add(sum(wm.placed[c, g.id] for g in groups_at[t]) <= done)
            previous, since = done, t


def add_rule_10_own_reformer_in_service_with_needed_features(wm: WeekModel) -> None:
    """In a reformer session each client has their own reformer of that room, in service,
    carrying every feature the client `needs`. Mat sessions give no reformer (`null`).

    Reformers are given after solving by bipartite matching; the model guarantees one
    exists by Hall's condition over the need-sets present: for each family of need-sets,
    the clients placed with one of them number at most the free reformers carrying one.
    A pinned place keeps its pinned reformer, which is then no one else's.
    """
    week, m = wm.week, wm.model
    fixed = {(a.client, a.session): a.reformer for a in week.pinned_allocations if a.reformer}
    for s in wm.slots:
        if not s.class_type.uses_reformers:
            continue
        kept = {fixed[c, s.id] for c in s.clients if (c, s.id) in fixed}
        machines = {r.id: r for r in s.room.reformers_in_service}
        for c in s.clients:
            pinned_on = fixed.get((c, s.id))
            if pinned_on is None:
                continue
            machine = machines.get(pinned_on)
            shared = sum(fixed.get((o, s.id)) == pinned_on for o in s.clients) > 1
            if machine is None or shared or not wm.clients[c].needs <= machine.features:
                m.add(wm.placed[c, s.id] == 0)  # a pinned place rule 10 cannot keep
        free = [r for r in s.room.reformers_in_service if r.id not in kept]
        loose = [c for c in s.clients if (c, s.id) not in fixed]
        for c in loose:
            if not any(wm.clients[c].needs <= r.features for r in free):
                m.add(wm.placed[c, s.id] == 0)
        m.add(sum(wm.placed[c, s.id] for c in loose) <= len(free))
        needy: dict[frozenset[str], list[str]] = defaultdict(list)
        for c in loose:
            if wm.clients[c].needs:
                needy[wm.clients[c].needs].append(c)
        if len(needy) > MAX_NEED_SETS_FOR_HALL:
            _give_reformers_explicitly(wm, s, free, needy)
            continue
        need_sets = sorted(needy, key=sorted)
        for size in range(1, len(need_sets) + 1):
            for family in itertools.combinations(need_sets, size):
                carriers = sum(1 for r in free if any(n <= r.features for n in family))
                members = [c for n in family for c in needy[n]]
                if len(members) > carriers:
                    m.add(sum(wm.placed[c, s.id] for c in members) <= carriers)


def _give_reformers_explicitly(wm: WeekModel, s: Slot, free: list, needy: dict) -> None:
    m = wm.model
    on: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for clients in needy.values():
        for c in clients:
            choices = []
            for r in free:
                if wm.clients[c].needs <= r.features:
                    var = m.new_bool_var(f"on_reformer[{c},{s.id},{r.id}]")
                    on[r.id].append(var)
                    choices.append(var)
            m.add(sum(choices) == wm.placed[c, s.id])
    for vars_ in on.values():
        m.add_at_most_one(vars_)


def add_rule_11_pinned_sessions_and_allocations_kept(wm: WeekModel) -> None:
    """Pinned sessions run exactly as given; pinned allocations are kept.
    `only_pinned_sessions` runs no other session."""
    week, m = wm.week, wm.model
    for s in wm.slots:
        if s.pinned is not None:
            m.add(wm.runs[s.id] == 1)
            m.add(wm.teaches[s.id, s.pinned.instructor] == 1)
        elif week.only_pinned_sessions:
            m.add(wm.runs[s.id] == 0)
    for a in week.pinned_allocations:
        m.add(wm.placed[a.client, a.session] == 1)


@dataclass(frozen=True)
class ModelRule:
    """A hard rule of the spec in the model: its number, its name (the checker's too), and
    the function adding its constraints, or None where candidate generation alone keeps it."""

    number: int
    name: str
    add: Callable[[WeekModel], None] | None = None


def _added_by(add: Callable[[WeekModel], None]) -> ModelRule:
    """The rule that an `add_rule_<number>_<name>` function adds."""
    _, _, number, name = add.__name__.split("_", 3)
    return ModelRule(int(number), name, add)


HARD_RULES: tuple[ModelRule, ...] = (
    # Candidates start only on the grid inside an open window, in a room of their venue
    # (`rules.rule_1_on_grid_inside_open_window`), and pinned sessions run as given
    # (rule 11), so no constraint could add to rule 1.
    ModelRule(1, "session_in_venue_room_on_grid_inside_open_window"),
    *map(
        _added_by,
        (
            add_rule_2_instructor_teaches_type_and_is_available_there,
            add_rule_3_sessions_in_one_room_never_overlap,
            add_rule_4_instructor_never_overlaps_travels_and_keeps_hours,
            add_rule_5_capacity,
            add_rule_6_session_that_runs_has_min_size_unless_pinned,
            add_rule_7_client_placed_only_where_they_can_go,
            add_rule_8_client_sessions_never_overlap_and_keep_limits,
            add_rule_9_intro_before_group,
            add_rule_10_own_reformer_in_service_with_needed_features,
            add_rule_11_pinned_sessions_and_allocations_kept,
        ),
    ),
)
"""The table of contents: every hard rule, in the spec's order (rule n is at n - 1)."""


def build_model(week: Week, slots: list[Slot]) -> WeekModel:
    """The week's model over these slots, with every hard rule added."""
    wm = WeekModel(week, slots)
    for rule in HARD_RULES:
        if rule.add is not None:
            rule.add(wm)
    return wm
