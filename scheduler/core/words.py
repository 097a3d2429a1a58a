"""The owner's words: what is in the way of an edit, and why a want is unmet, a sentence each.

Built from the checker's findings (`Violation`: which rule broke, in which class,
for which client, with its numbers) and the explanations' facts (`Reason`), with
the studio's names for everything, so a sentence never says what the rule does
not. The client's words for the same reasons are in `solver.explain`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scheduler.core.names import DAY_NAMES, WeekNames, plural, week_names, weekday_time
from scheduler.formats.times import format_time
from solver.checker import Violation
from solver.domain import MINUTES_PER_DAY, Client, Plan, Reason, Session, Week, Window, day_of
from solver.explain import NAMED_AT_MOST


@dataclass(frozen=True)
class Refusal:
    """One problem in the way of an edit, in a sentence; `rule` is the hard rule it breaks."""

    text: str
    rule: int
    kind: str = ""


def refusals(violations: Iterable[Violation], week: Week, plan: Plan) -> list[Refusal]:
    """Each problem the findings show, once, in the owner's words, in the order found.

    A class that would be full is the problem, said once: that it leaves a client
    without a reformer follows from it; and a reformer going out of service is the
    problem of the classes it leaves short.
    """
    violations = list(violations)
    words = _Words(week, plan)
    full = {v.session for v in violations if v.kind == "full"}
    short = {v.session for v in violations if v.kind == "out_of_service"}
    together: dict[tuple, list[Violation]] = defaultdict(list)
    for v in violations:
        if v.kind in _TOGETHER:
            together[_together(words, v)].append(v)
    said: dict[str, Refusal] = {}
    for v in violations:
        if (v.kind == "no_reformer" and v.session in full) or (
            v.kind == "full" and v.session in short
        ):
            continue
        if v.kind in _TOGETHER:
            text = _TOGETHER[v.kind](words, together[_together(words, v)])
        else:
            text = words.violation(v)
        text = _sentence(text)
        said.setdefault(text, Refusal(text, v.rule, v.kind))
    return list(said.values())


def _together(words: _Words, v: Violation) -> tuple:
    """What findings said in one sentence share: a reformer, or an instructor and class type."""
    return (v.kind, v.reformer, v.instructor, v.kind == "not_taught" and words.class_type(v))


def closeness(
    priority_places: int, bound: int | None, *, kept: int = 0, pinned: bool = False
) -> tuple[str, str]:
    """How close a plan is to the best possible, in a sentence, and what its bound is of.

    The bound is proven by the solve that made the plan, over the plans that keep what
    that solve had to keep: the places it carried over (`kept`, from the published plan
    or last week's) and the owner's pins. A re-solve that keeps every published place
    proves a lower bound than a solve of the open week, for fewer plans.
    """
    kept_words = [f"the {plural(kept, 'place')} carried over"] if kept else []
    pinned_words = ["the pinned classes and places"] if pinned else []
    scope = _listed(kept_words + pinned_words)
    that_keep = f" that keeps {scope}" if scope else ""
    if bound is None:
        return (
            "How close this plan is to the best possible is not known: its solve proved no bound.",
            "no bound proven",
        )
    bound_words = (
        f"{bound:,}: no plan{that_keep} gives more priority places (places counted by"
        " each client's priority)"
    )
    if priority_places >= bound:
        return f"This is the best possible plan{that_keep}.", bound_words
    more = plural(bound - priority_places, "more place", "more places")
    return (
        f"The best possible plan{that_keep} gives at most {more}, each counted by its"
        " client's priority.",
        bound_words,
    )


def reason_words(reason: Reason, names: WeekNames, sessions: dict[str, Session]) -> str:
    """A reason a want is unmet, as the owner reads it (of the client: "they", "their")."""
    said = {
        "types": " or ".join(names.class_type(t) for t in reason.class_types),
        "features": " and ".join(reason.features),
        "other": "other " if reason.other else "",
        "when": weekday_time(reason.minute) if reason.minute is not None else "",
        "venue": names.venue(reason.venue) if reason.venue else "",
        "level": reason.level or "",
        "count": reason.count,
        "classes": plural(reason.count, "class", "classes"),
        "day": DAY_NAMES[reason.day] if reason.day is not None else "",
        "sessions": _classes(
            [names.session(sessions[s]) for s in reason.sessions if s in sessions], reason.more
        ),
        "is_are": "is" if len(reason.sessions) + reason.more == 1 else "are",
        "has_have": "has" if len(reason.sessions) + reason.more == 1 else "have",
    }
    return _TO_THE_OWNER[reason.kind].format(**said)


# Each kind of reason to the owner, in one sentence about the client.
_TO_THE_OWNER: dict[str, str] = {
    "not_at_level": "{types} is not offered at their level ({level})",
    "needs_clearance": "{types} needs GP clearance, which they do not have",
    "no_reformer_at_venues": "no {features} reformer at their venues",
    "no_class_in_hours": "no {other}{types} class at their venues in their hours",
    "no_room": "no room at their venues can hold {types} classes",
    "too_few": "a {types} class in their hours would need at least {count} clients to run",
    "could_run": "a {types} class could run for them {when} at {venue}: a longer solve may"
    " place them",
    "venues_closed": "their venues are closed in their hours",
    "no_instructor": "no instructor is free at their venues in their hours",
    "instructors_busy": "the instructors free in their hours are teaching other classes then",
    "rooms_taken": "the rooms at their venues are taken by other classes in their hours",
    "no_intro_fits": "they need an intro 1-2-1 first, and none fits",
    "intro_first": "group classes must come after their intro 1-2-1, which ends {when}",
    "day_at_limit": "they already have {classes} on {day}, as many as they take a day",
    "clash": "it clashes with their class {sessions}",
    "no_reformer_in_hours": "no {features} reformer is free in their hours",
    "full": "{sessions} {is_are} full",
    "full_missed_more": "{sessions} {is_are} full, with clients of the same priority who have"
    " missed out on more weeks lately",
    "no_reformer_free": "no {features} reformer is free in {sessions}",
    "free_place": "{sessions} {has_have} room for them: a longer solve may place them",
}

# The kinds of reason the owner's list of unmet wants groups by, with their headings.
REASON_GROUPS: dict[str, str] = {
    "full": "The classes in their hours are full",
    "instructors_busy": "The instructors are teaching other classes then",
    "no_class_in_hours": "No such class at their venues in their hours",
    "intro": "An intro 1-2-1 must come first",
    "reformer": "No reformer with what they need",
    "day_at_limit": "Already at their classes-a-day limit",
    "clash": "It clashes with their other classes",
    "needs_clearance": "It needs GP clearance",
    "not_at_level": "Not offered at their level",
    "too_few": "Too few clients for a class to run",
    "no_instructor": "No instructor free at their venues in their hours",
    "rooms_taken": "The rooms are taken by other classes",
    "no_room": "No room at their venues holds the class",
    "venues_closed": "Their venues are closed in their hours",
    "solver_time": "A class has room: a longer solve may place them",
}
_GROUP_OF = {
    "full_missed_more": "full",
    "no_intro_fits": "intro",
    "intro_first": "intro",
    "no_reformer_at_venues": "reformer",
    "no_reformer_in_hours": "reformer",
    "no_reformer_free": "reformer",
    "free_place": "solver_time",
    "could_run": "solver_time",
}


def reason_group(reasons: Iterable[Reason]) -> str:
    """The group a want is listed under: its first reason that says what is in the way.

    "No such class in their hours" gives way to the reason after it, which says why
    none could run (the instructors are busy, the rooms are taken).
    """
    kinds = [r.kind for r in reasons]
    kind = next((k for k in kinds if k != "no_class_in_hours"), kinds[0] if kinds else "")
    return _GROUP_OF.get(kind, kind)


def _listed(items: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _classes(names: list[str], more: int) -> str:
    """Classes by name, and how many more: `A, B, C and 4 other classes that fit them`."""
    rest = [f"{plural(more, 'other class', 'other classes')} that fit them"] if more else []
    return _listed(names + rest)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _minutes(minutes: int) -> str:
    """`45 min`, `5 h`, `5 h 30 min`."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class _Words:
    """The week's names, its classes (run or pinned), clients and instructors, for sentences."""

    def __init__(self, week: Week, plan: Plan) -> None:
        self.week = week
        self.names = week_names(week)
        self.sessions = {s.id: s for s in plan.sessions}
        rooms = week.rooms
        types = week.class_type_by_id
        for p in week.pinned_sessions:
            if p.id not in self.sessions and p.room in rooms and p.class_type in types:
                end = p.start + types[p.class_type].minutes
                self.sessions[p.id] = Session(
                    p.id, p.class_type, rooms[p.room].venue, p.room, p.start, end, p.instructor
                )
        self.clients = week.client_by_id
        self.instructors = week.instructor_by_id

    def session(self, key: str | None) -> str:
        s = self.sessions.get(key or "")
        return self.names.session(s) if s else f"the class {key}"

    def client(self, key: str | None) -> str:
        found = self.clients.get(key or "")
        return found.name if found else str(key)

    def class_type(self, v: Violation) -> str:
        return self.names.class_type(self.sessions[v.session].class_type)

    def violation(self, v: Violation) -> str:
        """The finding in the owner's words; a kind with no words of its own keeps the rule's."""
        kind = _full_kind(self, v) if v.kind == "full" else v.kind
        words = _SAY.get(kind)
        return words.format(**self.facts(v)) if words else v.message

    def facts(self, v: Violation) -> dict[str, object]:
        """Everything a sentence about the finding may name, in the studio's words."""
        said: dict[str, object] = {
            "class": self.session(v.session),
            "client": self.client(v.client),
            "instructor": self.names.instructor(v.instructor or ""),
            "reformer": v.reformer,
            "count": v.count,
            "limit": v.limit,
            "clients": plural(v.count or 0, "client"),
            "classes": plural(v.count or 0, "class", "classes"),
            "reformers": plural(v.limit or 0, "reformer"),
            "count_time": _minutes(v.count or 0),
            "limit_time": _minutes(v.limit or 0),
            "day": DAY_NAMES[v.day] if v.day is not None else "",
            "types": " or ".join(self.names.class_type(t) for t in v.names),
            "features": "".join(f"{f} " for f in v.names),
            "other_client": self.client(v.names[0]) if v.names else "",
            "changes": " and ".join("time" if what == "start" else what for what in v.names),
        }
        s = self.sessions.get(v.session or "")
        if s is not None:
            said |= {
                "type": self.names.class_type(s.class_type),
                "venue": self.names.venue(s.venue),
                "room": self.names.room(s.room),
                "time": weekday_time(s.start),
            }
            if v.client in self.clients:
                said |= {
                    "level": self.clients[v.client].level,
                    "client_hours": self._client_hours(s, self.clients[v.client]),
                }
            if v.instructor in self.instructors:
                said["teaching_hours"] = self._teaching_hours(s, v.instructor)
        first = self.sessions.get(v.other or "")
        if first is not None:
            said |= {
                "pair": f"{self.session(v.other)} and {self.session(v.session)}",
                "other_venue": self.names.venue(first.venue),
            }
        return said

    def _client_hours(self, s: Session, client: Client) -> str:
        """When the client is free on the class's day: `free on Tuesday only 09:00–12:00`."""
        day = day_of(s.start)
        windows = [w for w in client.availability if w.day == day]
        if not windows:
            return f"not free on {DAY_NAMES[day]}s"
        return f"free on {DAY_NAMES[day]} only {_spans(windows)}"

    def _teaching_hours(self, s: Session, instructor: str) -> str:
        """When the instructor can teach at the class's venue on its day."""
        day = day_of(s.start)
        windows = [
            w
            for w in self.instructors[instructor].availability
            if w.day == day and s.venue in w.venues
        ]
        where = self.names.venue(s.venue)
        if not windows:
            return f"not teaching at {where} on {DAY_NAMES[day]}s"
        return f"teaching at {where} on {DAY_NAMES[day]} only {_spans(windows)}"


def _spans(windows: Iterable[Window]) -> str:
    """Windows of one day as `09:00–12:00, 17:30–21:00`."""
    spans = []
    for w in sorted(windows, key=lambda w: w.start):
        midnight = w.day * MINUTES_PER_DAY
        spans.append(f"{format_time(w.start - midnight)}–{format_time(w.end - midnight)}")
    return ", ".join(spans)


def _full_kind(w: _Words, v: Violation) -> str:
    """Full; or short of reformers, where some of its room's are out of service; or over."""
    s = w.sessions[v.session or ""]
    room = w.week.rooms[s.room]
    working = len(room.reformers_in_service)
    some_out = working < len(room.reformers)
    if w.week.class_type_by_id[s.class_type].uses_reformers and some_out and working == v.limit:
        return "short_of_reformers"
    return "full" if v.count == (v.limit or 0) + 1 else "over"


def _some(items: list[str]) -> str:
    """Up to `NAMED_AT_MOST` items, and how many more."""
    more = len(items) - NAMED_AT_MOST
    return _listed(items[:NAMED_AT_MOST] + ([f"{more} more"] if more > 0 else []))


def _out_of_service(w: _Words, on_it: list[Violation]) -> str:
    """A reformer that would go out of service under the places that stand on it."""
    places = _some([f"{w.client(v.client)} in {w.session(v.session)}" for v in on_it])
    stand = "1 place stands" if len(on_it) == 1 else f"{len(on_it)} places stand"
    return f"reformer {on_it[0].reformer} would be out of service, and {stand} on it: {places}"


def _not_taught(w: _Words, classes: list[Violation]) -> str:
    """An instructor given classes of a type they do not teach."""
    first = classes[0]
    return (
        f"{w.names.instructor(first.instructor or '')} does not teach {w.class_type(first)}"
        f" classes, so not {_some([w.session(v.session) for v in classes])}"
    )


# The kinds of finding said once for all the classes they concern.
_TOGETHER: dict[str, Callable[[_Words, list[Violation]], str]] = {
    "out_of_service": _out_of_service,
    "not_taught": _not_taught,
}

# Each kind of finding in the owner's words (the others keep the checker's own), from `facts`.
_SAY: dict[str, str] = {
    "length": "{class} would run {count_time}, and a {type} class lasts {limit_time}",
    "off_grid": "{class} would start off the {limit}-minute grid",
    "venue_closed": "{venue} is not open for {class}",
    "instructor_not_free": "{instructor} is not free to teach {class} ({teaching_hours})",
    "room_overlap": "{pair} overlap in {room}",
    "instructor_overlap": "{instructor} would teach {pair} at once",
    "no_travel": "{instructor} would teach {pair} on one day, and no travel time is listed"
    " between {other_venue} and {venue}",
    "travel": "{instructor} would have {count_time} between {pair}, and the journey from"
    " {other_venue} to {venue} takes {limit_time}",
    "day_minutes": "{instructor} would teach {count_time} on {day}, over the {limit_time} a day"
    " they may teach",
    "week_minutes": "{instructor} would teach {count_time} this week, over the {limit_time} a"
    " week they may teach",
    "full": "{class} is full ({limit} of {limit})",
    "short_of_reformers": "{class} would have {clients} and only {reformers} in service",
    "over": "{class} has room for {limit}, not {count}",
    "too_small": "{class} would have {clients}, and an unpinned class needs at least {limit} to"
    " run",
    "not_their_venue": "{client} does not come to {venue}, where {time} {type} is",
    "not_free": "{client} is not free for {class} ({client_hours})",
    "not_wanted": "{client} has not asked for {type} classes, so not for {class}",
    "not_their_level": "{class} is not for {client}'s level ({level})",
    "not_cleared": "{class} needs GP clearance, and {client} has none",
    "client_overlap": "{client} would be in {pair} at once",
    "per_day": "{client} would have {classes} on {day}, and takes at most {limit} a day",
    "per_week": "{client} would have {count} {types} classes this week, and asked for {limit}",
    "before_intro": "{client} needs an intro 1-2-1 before {class}",
    "twice": "{client} would be in {class} twice",
    "no_reformer": "no {features}reformer in {class} is free for {client}",
    "reformer_elsewhere": "reformer {reformer} is not in {room}, the room of {class}",
    "shared_reformer": "{client} would share reformer {reformer} with {other_client} in {class}",
    "lacks_features": "{client} needs a {features}reformer, and {reformer} in {class} is not one",
    "pin_not_run": "the pinned class {class} would not run",
    "pin_changed": "the pinned class {class} would change its {changes}",
    "pinned_place": "{client}'s place in {class} is pinned: unpin it first",
    "pinned_reformer": "{client}'s place in {class} is pinned to reformer {reformer}",
    "not_pinned": "the timetable is fixed to the pinned classes, and {class} is not one",
}
