"""What changed for each client between two plans of a week: the one definition of a change.

A client's place is what they see of it: the class (its type, venue, room, day
and time, instructor) and, in a reformer class, the machine. A place is kept
only when all of that is the same in both plans. A session's id does not decide
it: the solver's ids leave out the instructor, so a re-solve can re-create a
class in the same slot with someone else teaching it, and a pinned id can come
back meaning another room or time. The owner's publish diff, the nightly run's
figures and the e-mails to clients all read `diff_plans`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from solver.domain import MINUTES_PER_DAY, Plan, Session


@dataclass(frozen=True)
class HeldPlace:
    """A client's place: the class as the plan holds it and, in a reformer class, the machine."""

    session: Session
    reformer: str | None = None

    @property
    def seen(self) -> tuple:
        """Everything the client sees of the place: a change to any of it is news to them."""
        s = self.session
        return (s.class_type, s.venue, s.room, s.start, s.end, s.instructor, self.reformer)

    @property
    def slot(self) -> tuple[str, int]:
        """The room and start: one class at a time in a room, so this names the class."""
        return self.session.room, self.session.start


@dataclass(frozen=True)
class PlaceChange:
    """One client's change: moved (`was` and `now`), joined (`now` only), lost (`was` only)."""

    client: str
    was: HeldPlace | None = None
    now: HeldPlace | None = None

    @property
    def same_class(self) -> bool:
        """A move within one class: the same session id or the same room at the same time."""
        if self.was is None or self.now is None:
            return False
        return self.was.session.id == self.now.session.id or self.was.slot == self.now.slot

    @property
    def what(self) -> tuple[str, ...]:
        """What differs in a move, in the studio's words, e.g. `("instructor",)`."""
        if self.was is None or self.now is None:
            return ()
        a, b = self.was.session, self.now.session
        differs = {
            "class": a.class_type != b.class_type,
            "venue": a.venue != b.venue,
            "room": a.venue == b.venue and a.room != b.room,
            "day": a.start // MINUTES_PER_DAY != b.start // MINUTES_PER_DAY,
            "time": (a.start % MINUTES_PER_DAY, a.end - a.start)
            != (b.start % MINUTES_PER_DAY, b.end - b.start),
            "instructor": a.instructor != b.instructor,
            "reformer": self.was.reformer != self.now.reformer,
        }
        return tuple(word for word, changed in differs.items() if changed)


@dataclass(frozen=True)
class PlanDiff:
    """Who moved, who joined and who lost a place between two plans of a week.

    `kept` counts the places that stand exactly as they were. After a publish,
    `emailed` names the clients told of their changes by e-mail.
    """

    moved: tuple[PlaceChange, ...] = ()
    joined: tuple[PlaceChange, ...] = ()
    lost: tuple[PlaceChange, ...] = ()
    kept: int = 0
    version: int | None = None
    previous_version: int | None = None
    emailed: tuple[str, ...] = ()

    @property
    def clients(self) -> set[str]:
        """Every client with a change."""
        return {c.client for c in (*self.moved, *self.joined, *self.lost)}

    def of(self, client: str) -> list[PlaceChange]:
        """One client's changes, in the order of the week."""
        return sorted(
            (c for c in (*self.moved, *self.joined, *self.lost) if c.client == client),
            key=lambda c: (c.now or c.was).session.start,
        )


def diff_plans(before: Plan | None, after: Plan) -> PlanDiff:
    """Compare two plans client by client.

    A place whose class and machine the client sees unchanged is kept. Of the rest,
    a client's places are paired as moves: first within one class (same id, or the
    same room and start: another reformer, instructor, class type or length), then
    from class to class in the order of the week. What is left over was lost (only
    `before` has it) or joined (only `after`).
    """
    was = _places(before) if before else {}
    now = _places(after)
    moved: list[PlaceChange] = []
    joined: list[PlaceChange] = []
    lost: list[PlaceChange] = []
    kept = 0
    for client in sorted(set(was) | set(now)):
        old, new = was.get(client, []), now.get(client, [])
        standing = {p.seen for p in old} & {p.seen for p in new}
        kept += len(standing)
        old = [p for p in old if p.seen not in standing]
        new = [p for p in new if p.seen not in standing]
        for key in (lambda p: p.session.id, lambda p: p.slot):
            pairs, old, new = _pair(old, new, key)
            moved.extend(PlaceChange(client, a, b) for a, b in pairs)
        moved.extend(PlaceChange(client, a, b) for a, b in zip(old, new, strict=False))
        pairs = min(len(old), len(new))
        lost.extend(PlaceChange(client, was=p) for p in old[pairs:])
        joined.extend(PlaceChange(client, now=p) for p in new[pairs:])
    return PlanDiff(tuple(moved), tuple(joined), tuple(lost), kept)


def _places(plan: Plan) -> dict[str, list[HeldPlace]]:
    """Each client's places in the order of the week."""
    sessions = {s.id: s for s in plan.sessions}
    places: dict[str, list[HeldPlace]] = {}
    for a in plan.allocations:
        places.setdefault(a.client, []).append(HeldPlace(sessions[a.session], a.reformer))
    for theirs in places.values():
        theirs.sort(key=lambda p: (p.session.start, p.session.room))
    return places


def _pair(
    old: Iterable[HeldPlace], new: Iterable[HeldPlace], key: Callable[[HeldPlace], Hashable]
) -> tuple[list[tuple[HeldPlace, HeldPlace]], list[HeldPlace], list[HeldPlace]]:
    """Pair places with equal keys; returns the pairs and what is left of each side."""
    waiting = {key(p): p for p in new}
    pairs, rest_old = [], []
    for p in old:
        match = waiting.pop(key(p), None)
        if match is None:
            rest_old.append(p)
        else:
            pairs.append((p, match))
    matched = {id(b) for _, b in pairs}
    return pairs, rest_old, [p for p in new if id(p) not in matched]
