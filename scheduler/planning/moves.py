"""Where a client's place could move: the classes of the week they fit, best first, and the
ones they do not fit, with what is in the way.

For one client's place in one session of a stored plan, every other session of the plan
is tried as `edits.move_client` makes a move: the place taken out, put in that session on
the reformer the solver's assignment gives them (`solver.reformers`). The project's
checker judges each moved plan: a class where it breaks no hard rule the plan kept is a
choice, ranked by the week's figures after the move as the checker measures them (most
priority places, then preference points, then the earliest); every other class is listed
apart, each broken rule worded for the owner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session as DbSession

from scheduler.core import models
from scheduler.core.names import room_label
from scheduler.formats.times import format_time
from scheduler.planning.errors import PlanningError
from scheduler.planning.rows import plan_row
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import load_stored_week
from solver.checker import Violation, check_plan, measure_objective
from solver.domain import (
    MINUTES_PER_DAY,
    Allocation,
    Objective,
    Plan,
    Reformer,
    Room,
    Session,
    Week,
    day_of,
)
from solver.explain import DAY_NAMES
from solver.reformers import assign_reformers


@dataclass(frozen=True)
class ClassInWords:
    """A session of the plan as the owner reads it: names, times, places taken of places."""

    session: Session
    class_name: str
    venue_name: str
    room_name: str
    instructor_name: str
    taken: int
    capacity: int
    uses_reformers: bool

    @property
    def when(self) -> str:
        """The day and hours, e.g. `Tue 10:30–11:20`."""
        s = self.session
        return f"{_day_time(s.start)}–{format_time(s.end % MINUTES_PER_DAY)}"

    @property
    def label(self) -> str:
        """The class in a phrase, e.g. `Tue 10:30 Reformer at Hitchin`."""
        return f"{_day_time(self.session.start)} {self.class_name} at {self.venue_name}"


@dataclass(frozen=True)
class WeekEffect:
    """The week's figures before and after a move, as the checker measures each plan."""

    before: Objective
    after: Objective

    @property
    def priority_places(self) -> int:
        """How many priority places the move adds (negative: takes away)."""
        return self.after.priority_places - self.before.priority_places

    @property
    def preference_points(self) -> int:
        """How many preference points the move adds (negative: takes away)."""
        return self.after.preference_points - self.before.preference_points

    @property
    def words(self) -> str:
        """The change in a phrase: `+1 preference point`, or that nothing changes."""
        parts = [
            f"{change:+d} {what}{'' if abs(change) == 1 else 's'}"
            for change, what in (
                (self.priority_places, "priority place"),
                (self.preference_points, "preference point"),
            )
            if change
        ]
        return ", ".join(parts) or "the week's figures stay as they are"


@dataclass(frozen=True)
class MoveChoice:
    """A class the client fits: the reformer they would get there and what the move does."""

    target: ClassInWords
    reformer: str | None
    reformer_features: tuple[str, ...]
    effect: WeekEffect
    preferred: tuple[str, ...]
    """The class's venue and instructor names where the client prefers them."""


@dataclass(frozen=True)
class ClassNotFitting:
    """A class the client does not fit, with what is in the way, in the owner's words."""

    target: ClassInWords
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MoveChoices:
    """Where one client's place in one session can go, best first, and where it cannot."""

    plan_id: int
    version: int
    status: str
    week_start: date
    timezone: str
    client: str
    client_name: str
    needs: tuple[str, ...]
    current: ClassInWords
    reformer: str | None
    leaving: tuple[str, ...]
    """What keeps the client in their class whatever the class they would go to."""
    choices: tuple[MoveChoice, ...]
    not_fitting: tuple[ClassNotFitting, ...]
    reformers_here: tuple[str, ...]
    """Other free reformers of their own class that carry what they need."""


def move_choices(
    *, session: DbSession, plan_id: int, client: str, from_session: str
) -> MoveChoices:
    """Every other class of the plan's week for `client`'s place in `from_session`, ranked.

    Raises `PlanningError` when the plan has no such place.
    """
    row = plan_row(session, plan_id)
    week_row = session.get(models.Week, row.week_id)
    week = load_stored_week(session=session, week_start=week_row.week_start)
    plan = load_stored_plan(session=session, plan_id=row.id)
    ranked = _Ranking(week, plan, client, from_session)
    return MoveChoices(
        plan_id=row.id,
        version=row.version,
        status=row.status,
        week_start=week_row.week_start,
        timezone=week.timezone,
        client=client,
        client_name=ranked.person.name,
        needs=tuple(sorted(ranked.person.needs)),
        current=ranked.words(ranked.source),
        reformer=ranked.moving.reformer,
        leaving=ranked.leaving,
        choices=ranked.choices,
        not_fitting=ranked.not_fitting,
        reformers_here=ranked.reformers_here(),
    )


def reformer_for(
    week: Week, allocations: Iterable[Allocation], target: Session, client: str
) -> str | None:
    """The reformer the client would get in `target` beside `allocations` (rule 10).

    The solver's assignment over the room's machines nobody in the session is on: one in
    service carrying every feature the client needs, the plainest first. None for a mat
    class, or when no free machine carries what they need.
    """
    class_type = week.class_type_by_id.get(target.class_type)
    room = week.rooms.get(target.room)
    person = week.client_by_id.get(client)
    if class_type is None or room is None or person is None or not class_type.uses_reformers:
        return None
    given = assign_reformers(_free_part(room, allocations, target.id), [person])
    return given[person.id] if given else None


def _free_part(room: Room, allocations: Iterable[Allocation], session_id: str) -> Room:
    """The room with only the reformers nobody in the session is on."""
    taken = {a.reformer for a in allocations if a.session == session_id}
    return replace(room, reformers=tuple(r for r in room.reformers if r.id not in taken))


def _day_time(minute: int) -> str:
    return f"{DAY_NAMES[day_of(minute)][:3]} {format_time(minute % MINUTES_PER_DAY)}"


class _Ranking:
    """The moves of one place, each tried on the plan and judged by the checker."""

    def __init__(self, week: Week, plan: Plan, client: str, from_session: str) -> None:
        self.week, self.plan = week, plan
        self.sessions = {s.id: s for s in plan.sessions}
        person = week.client_by_id.get(client)
        if person is None:
            raise PlanningError(f"{client} is not one of the week's clients")
        self.person = person
        moving = [a for a in plan.allocations if a.client == client and a.session == from_session]
        if from_session not in self.sessions or not moving:
            raise PlanningError(f"{person.name} has no place in that class")
        self.moving = moving[0]
        self.source = self.sessions[from_session]
        self.rest = tuple(a for a in plan.allocations if a not in moving)
        self.taken = Counter(a.session for a in plan.allocations)
        self.already = {str(v) for v in check_plan(week, plan)}
        self.before = measure_objective(week, plan)
        self.leaving = self._reasons(self._new(replace(plan, allocations=self.rest)), self.source)
        self.choices, self.not_fitting = self._judge_every_class()

    def words(self, s: Session) -> ClassInWords:
        """The session `s` in the studio's words."""
        week = self.week
        class_type = week.class_type_by_id[s.class_type]
        venue = week.venue_by_id[s.venue]
        instructor = week.instructor_by_id.get(s.instructor)
        return ClassInWords(
            session=s,
            class_name=class_type.name,
            venue_name=venue.name,
            room_name=room_label(s.room, s.venue),
            instructor_name=instructor.name if instructor else s.instructor,
            taken=self.taken[s.id],
            capacity=week.capacity(class_type, week.rooms[s.room]),
            uses_reformers=class_type.uses_reformers,
        )

    def reformers_here(self) -> tuple[str, ...]:
        """The free machines of their own class that carry their needs, if they may change."""
        room = self.week.rooms[self.source.room]
        free = [
            r
            for r in _free_part(room, self.rest, self.source.id).reformers_in_service
            if self.person.needs <= r.features and r.id != self.moving.reformer
        ]
        if not free or not self.words(self.source).uses_reformers:
            return ()
        if self._new(self._moved(self.source, free[0].id)):
            return ()
        return tuple(r.id for r in sorted(free, key=lambda r: len(r.features)))

    def _moved(self, target: Session, reformer: str | None) -> Plan:
        moved = Allocation(self.person.id, target.id, reformer)
        return replace(self.plan, allocations=(*self.rest, moved))

    def _new(self, plan: Plan) -> list[Violation]:
        """The violations of `plan` that the stored plan did not have."""
        return [v for v in check_plan(self.week, plan) if str(v) not in self.already]

    def _judge_every_class(self) -> tuple[tuple[MoveChoice, ...], tuple[ClassNotFitting, ...]]:
        if self.leaving:
            return (), ()
        choices, not_fitting = [], []
        for s in sorted(self.plan.sessions, key=lambda s: (s.start, s.room, s.id)):
            if s.id == self.source.id:
                continue
            reformer = reformer_for(self.week, self.rest, s, self.person.id)
            moved = self._moved(s, reformer)
            reasons = self._reasons(self._new(moved), s)
            if reasons:
                not_fitting.append(ClassNotFitting(self.words(s), reasons))
                continue
            machine = self._machine(s, reformer)
            target = self.words(s)
            choices.append(
                MoveChoice(
                    target=target,
                    reformer=reformer,
                    reformer_features=tuple(sorted(machine.features)) if machine else (),
                    effect=WeekEffect(self.before, measure_objective(self.week, moved)),
                    preferred=self._preferred(target),
                )
            )
        choices.sort(
            key=lambda c: (
                -c.effect.after.priority_places,
                -c.effect.after.preference_points,
                c.target.session.start,
            )
        )
        return tuple(choices), tuple(not_fitting)

    def _preferred(self, t: ClassInWords) -> tuple[str, ...]:
        person = self.person
        return tuple(
            name
            for key, name, preferred in (
                (t.session.venue, t.venue_name, person.prefers_venues),
                (t.session.instructor, t.instructor_name, person.prefers_instructors),
            )
            if key in preferred
        )

    def _machine(self, s: Session, reformer: str | None) -> Reformer | None:
        return next((r for r in self.week.rooms[s.room].reformers if r.id == reformer), None)

    def _reasons(self, violations: Sequence[Violation], target: Session) -> tuple[str, ...]:
        """Each violation worded for the owner, once each, in rule order."""
        full = any(v.rule == 5 for v in violations)
        words = [
            self._reason(v, target) for v in violations if not (full and v.kind == "no_reformer")
        ]
        return tuple(dict.fromkeys(words))

    def _reason(self, v: Violation, target: Session) -> str:
        """One violation of the moved plan in the owner's words."""
        wording = {
            5: self._full,
            6: self._too_few,
            7: self._cannot_go,
            8: self._limits,
            9: self._intro,
            10: self._reformer_problem,
            11: self._pinned,
        }.get(v.rule)
        return wording(v, target) if wording else str(v)

    def _full(self, v: Violation, target: Session) -> str:
        t = self.words(target)
        return f"full ({t.taken} of {t.capacity})"

    def _too_few(self, v: Violation, target: Session) -> str:
        s = self.sessions.get(v.session or "", target)
        t = self.words(s)
        minimum = self.week.class_type_by_id[s.class_type].min_size
        if t.taken <= 1:
            return f"{t.label} would be left with nobody, and it needs {minimum} to run"
        return (
            f"{t.label} would be left with {t.taken - 1}, fewer than the {minimum} it needs"
            " to run (pin the class to let it run smaller)"
        )

    def _cannot_go(self, v: Violation, target: Session) -> str:
        person, week = self.person, self.week
        t = self.words(target)
        if v.kind == "not_their_venue":
            venues = week.venue_by_id
            theirs = ", ".join(venues[k].name for k in person.venues if k in venues)
            return f"at {t.venue_name}, not one of their venues ({theirs})"
        if v.kind == "not_free":
            day = day_of(target.start)
            midnight = day * MINUTES_PER_DAY
            hours = [
                f"{format_time(w.start - midnight)}–{format_time(w.end - midnight)}"
                for w in sorted(person.availability, key=lambda w: w.start)
                if w.day == day
            ]
            free = ", ".join(hours) if hours else "not at all"
            return f"outside their hours (on {DAY_NAMES[day]}s they are free {free})"
        if v.kind == "not_wanted":
            wanted = dict.fromkeys(
                week.class_type_by_id[k].name
                for w in person.wants
                for k in w.class_types
                if k in week.class_type_by_id
            )
            return f"not a class they asked for (they want {', '.join(wanted) or 'none'})"
        if v.kind == "not_their_level":
            return f"{t.class_name} is not for their level ({person.level})"
        if v.kind == "not_cleared":
            return f"{t.class_name} needs GP clearance, which they do not have"
        return str(v)

    def _limits(self, v: Violation, target: Session) -> str:
        person = self.person
        others = [
            self.sessions[a.session]
            for a in self.rest
            if a.client == person.id and a.session in self.sessions
        ]
        if v.kind == "client_overlap":
            clash = [s for s in others if s.start < target.end and target.start < s.end]
            return "clashes with their " + _and(self.words(s).label for s in clash)
        if v.kind == "per_day":
            day = day_of(target.start)
            that_day = [s for s in others if day_of(s.start) == day]
            most = person.max_per_day
            return (
                f"already has {_and(self.words(s).label for s in that_day)} that day"
                f" (at most {most} class{'' if most == 1 else 'es'} a day)"
            )
        if v.kind == "per_week":
            want = next(w for w in person.wants if target.class_type in w.class_types)
            names = "/".join(self.week.class_type_by_id[k].name for k in want.class_types)
            return (
                f"already has the {want.per_week} {names} class"
                f"{'' if want.per_week == 1 else 'es'} a week they asked for"
            )
        return str(v)

    def _intro(self, v: Violation, target: Session) -> str:
        intros = [
            self.sessions[a.session]
            for a in self.rest
            if a.client == self.person.id
            and a.session in self.sessions
            and self.week.class_type_by_id[self.sessions[a.session].class_type].one_to_one
        ]
        if not intros:
            return "intro needed: they join group classes only after a 1-2-1, and have none"
        first = min(intros, key=lambda s: s.end)
        return f"intro needed: their 1-2-1 ({self.words(first).label}) is after this class"

    def _reformer_problem(self, v: Violation, target: Session) -> str:
        if v.kind == "twice":
            return "they already have a place in this class"
        if v.kind == "no_reformer":
            needs = sorted(self.person.needs)
            return f"no free reformer carrying {_and(needs)}" if needs else "no free reformer"
        if v.kind == "reformer_in_mat":
            return "a mat class has no reformers"
        return str(v)

    def _pinned(self, v: Violation, target: Session) -> str:
        if v.kind == "pinned_reformer":
            return f"their place is pinned to reformer {self.moving.reformer}"
        return f"their place in {self.words(self.source).label} is pinned: unpin it to move them"


def _and(words: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    listed = list(words)
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)
