"""A small published week for the intro: Jo teaches at Hitchin and Stevenage, and Nia is new.

Jo Evans teaches every class type at both venues, 20 minutes apart: Tuesday
09:00-13:00, Wednesday 09:00-10:00 and Thursday 17:00-20:00. The published plan
has her Tuesday 09:30 reformer class at Stevenage (c1, c2) and Thursday 18:00's at
Hitchin (c3). Nia (`NEW`) needs an intro 1-2-1 reformer before a reformer class,
at Hitchin, any time; the plan had none for her. So her intro times are Tuesday
10:45 to 12:00 (Jo's journey from Stevenage first), Wednesday 09:00, and Thursday
17:00 and 19:00 (either side of Jo's class). "Now" is the Saturday before.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session as DbSession

from solver.domain import Client, Instructor, Plan, Week
from tests import builders as b
from tests.stored import publish

WEEK_START = "2026-12-07"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
NEW = "c-new"
BOTH = ["hitchin", "stevenage"]
TUESDAY = b.session("reformer", "tue", "09:30", room="stevenage-studio", venue="stevenage")
THURSDAY = b.session("reformer", "thu", "18:00")
JO_HOURS = [
    ("tue", "09:00", "13:00", BOTH),
    ("wed", "09:00", "10:00", BOTH),
    ("thu", "17:00", "20:00", BOTH),
]
# Every intro time of Nia's in the published week, as the page lists them.
NIA_TIMES = [
    "Tue 10:45",
    "Tue 11:00",
    "Tue 11:15",
    "Tue 11:30",
    "Tue 11:45",
    "Tue 12:00",
    "Wed 09:00",
    "Thu 17:00",
    "Thu 19:00",
]


def jo(**changes) -> Instructor:
    """Jo, with `changes` to `b.instructor`'s fields."""
    fields = {"availability": JO_HOURS, "name": "Jo Evans", **changes}
    return b.instructor("jo", **fields)


def nia(id: str = NEW, **changes) -> Client:
    """Nia (or another new client, `id`): an intro 1-2-1 reformer first, then a reformer class."""
    fields = {
        "wants": [b.want("121-reformer"), b.want("reformer")],
        "needs_intro": True,
        "name": "Nia Novak",
        **changes,
    }
    return b.client(id, **fields)


def intro_week(
    instructors: list | None = None,
    more_clients: tuple = (),
    week_start: str = WEEK_START,
    **nia_changes,
) -> Week:
    """The week; `instructors` in Jo's stead, `more_clients` beside the four, `nia_changes`
    to Nia's fields; on another Monday than `WEEK_START` for the web's tests, which run by
    the clock."""
    venues = [
        b.venue("hitchin", name="Hitchin"),
        b.venue("stevenage", name="Stevenage"),
    ]
    class_types = [
        b.class_type("reformer", name="Reformer"),
        b.class_type("mat", name="APPI Mat"),
        b.class_type("121-reformer", name="1-2-1 Reformer"),
    ]
    clients = [
        b.client("c1", venues=BOTH, name="Ann"),
        b.client("c2", venues=BOTH, name="Bea"),
        b.client("c3", name="Cat"),
        nia(**nia_changes),
        *more_clients,
    ]
    return b.week(
        venues=venues,
        class_types=class_types,
        instructors=instructors or [jo()],
        clients=clients,
        travel={("hitchin", "stevenage"): 20},
        week_start=week_start,
    )


def intro_plan() -> Plan:
    return b.plan(
        [TUESDAY, THURSDAY],
        [
            b.allocation("c1", TUESDAY, "R1"),
            b.allocation("c2", TUESDAY, "R2"),
            b.allocation("c3", THURSDAY, "R1"),
        ],
    )


def publish_intro_week(
    db: DbSession,
    instructors: list | None = None,
    more_clients: tuple = (),
    week_start: str = WEEK_START,
    **nia_changes,
) -> Week:
    """Store and publish the week; the week stored."""
    the_week = intro_week(instructors, more_clients, week_start, **nia_changes)
    publish(db, the_week, intro_plan())
    return the_week
