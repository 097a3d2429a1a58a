"""The studio's names for a week's things, so that no page, e-mail or chart shows an id.

Venues, class types and instructors are named in the week; a room is not, so it
reads as its venue and what is left of its id ("Hitchin · Studio"). A class reads
as its day, time, type and venue ("Tue 10:30 Reformer at Stevenage"); a count as
the studio says it ("1 place", "2 places").
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.formats.times import format_time
from solver.domain import MINUTES_PER_DAY, Session, Week

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 place`, `2 places`; `many` is the plural where it is not `word` + s (`classes`)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def weekday_time(minute: int) -> str:
    """A minute of the week as the day and time, e.g. `Mon 09:30`."""
    return f"{DAY_NAMES[minute // MINUTES_PER_DAY][:3]} {format_time(minute % MINUTES_PER_DAY)}"


def room_label(room_key: str, venue_key: str) -> str:
    """A room as a client reads it: `hitchin-studio` at Hitchin is "Studio"."""
    bare = room_key.removeprefix(f"{venue_key}-") if room_key != venue_key else room_key
    return bare.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class WeekNames:
    """The names the studio uses for a week's rooms, venues, instructors and class types."""

    rooms: dict[str, str]
    venues: dict[str, str]
    instructors: dict[str, str]
    class_types: dict[str, str]
    features: tuple[str, ...] = ()

    def room(self, key: str) -> str:
        """A room as "Hitchin · Studio"."""
        return self.rooms.get(key, key)

    def room_alone(self, key: str) -> str:
        """A room where its venue is named already: "Studio"."""
        return self.rooms.get(key, key).rpartition(" · ")[2]

    def venue(self, key: str | None) -> str:
        """A venue's name; no venue is every venue."""
        return "every venue" if key is None else self.venues.get(key, key)

    def instructor(self, key: str) -> str:
        """An instructor's name."""
        return self.instructors.get(key, key)

    def class_type(self, key: str) -> str:
        """A class type's name."""
        return self.class_types.get(key, key)

    def session(self, s: Session) -> str:
        """A class as "Tue 10:30 Reformer at Stevenage"."""
        return f"{weekday_time(s.start)} {self.class_type(s.class_type)} at {self.venue(s.venue)}"


def week_names(week: Week) -> WeekNames:
    """The names of everything in `week`, in the week's order."""
    venues = {v.id: v.name for v in week.venues}
    rooms = {r.id: f"{v.name} · {room_label(r.id, v.id)}" for v in week.venues for r in v.rooms}
    features = sorted({f for r in week.rooms.values() for x in r.reformers for f in x.features})
    return WeekNames(
        rooms=rooms,
        venues=venues,
        instructors={i.id: i.name for i in week.instructors},
        class_types={c.id: c.name for c in week.class_types},
        features=tuple(features),
    )
