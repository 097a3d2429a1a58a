"""A week for moving Ann: one class she fits best, others she fits, and each kind she does not.

Hitchin's studio has H1 (plain), H2 and H3 (raised); Stevenage's has S1 (raised). Ann
(Hitchin only, free 07:00-20:00, needs a raised reformer, prefers Kim, wants a reformer
class and a mat class) is on H2 in Monday's reformer class, beside Bea on H1. The other
classes of the week, as a move of Ann's place meets them:

- Tuesday 09:30 reformer (Jo), empty: she fits, the week's figures unchanged;
- Wednesday 09:30 reformer (Kim), empty: she fits, one preference point more: the best;
- Thursday 09:30 reformer, Cat and Dan on both raised machines: no raised reformer free;
- Friday 09:30 reformer, Bea, Cat and Dan: full (3 of 3);
- Saturday 09:30 reformer at Stevenage: not one of her venues;
- Sunday 09:30 mat (Eve): she fits, on no reformer;
- Tuesday 20:00 mat (Kim), empty: outside her hours.

Classes run with no client (`min_size` 0), so leaving one never stops it.
"""

from __future__ import annotations

from solver.checker import check_plan
from solver.domain import DAYS, Plan, Session, Week
from tests import builders as b

WEEK = "2026-11-30"
ANN, BEA, CAT, DAN, EVE = "ann", "bea", "cat", "dan", "eve"
LATE = [(day, "07:00", "22:00") for day in DAYS]


def _reformer_class(day: str, instructor: str = "jo", venue: str = "hitchin") -> Session:
    return b.session(
        "reformer", day, "09:30", room=f"{venue}-studio", venue=venue, instructor=instructor
    )


MONDAY = _reformer_class("mon")
TUESDAY = _reformer_class("tue")
WEDNESDAY = _reformer_class("wed", instructor="kim")
THURSDAY = _reformer_class("thu")
FRIDAY = _reformer_class("fri")
SATURDAY = _reformer_class("sat", venue="stevenage")
SUNDAY_MAT = b.session("mat", "sun", "09:30")
TUESDAY_LATE_MAT = b.session("mat", "tue", "20:00", instructor="kim")


def move_week() -> Week:
    """The week (see the module's words)."""
    hitchin_studio = b.room(
        "hitchin-studio",
        reformers=[b.reformer("H1"), b.reformer("H2", ["raised"]), b.reformer("H3", ["raised"])],
        mat_spaces=6,
    )
    stevenage_studio = b.room("stevenage-studio", reformers=[b.reformer("S1", ["raised"])])
    teachers = [
        b.instructor(
            key,
            teaches=["reformer", "mat"],
            availability=LATE,
            venues=["hitchin", "stevenage"],
            name=name,
        )
        for key, name in (("jo", "Jo Evans"), ("kim", "Kim Lee"))
    ]
    twice = [b.want("reformer", 2)]
    return b.week(
        venues=[
            b.venue("hitchin", open=LATE, rooms=[hitchin_studio], name="Hitchin"),
            b.venue("stevenage", open=LATE, rooms=[stevenage_studio], name="Stevenage"),
        ],
        class_types=[
            b.class_type("reformer", min_size=0, name="Reformer"),
            b.class_type("mat", min_size=0, name="APPI Mat"),
        ],
        instructors=teachers,
        travel={("hitchin", "stevenage"): 20},
        clients=[
            b.client(
                ANN,
                wants=[b.want("reformer"), b.want("mat")],
                availability=[(day, "07:00", "20:00") for day in DAYS],
                needs=["raised"],
                prefers_instructors=["kim"],
                name="Ann Archer",
            ),
            b.client(BEA, wants=twice, name="Bea Brown"),
            b.client(CAT, wants=twice, name="Cat Cole"),
            b.client(DAN, wants=twice, name="Dan Dale"),
            b.client(EVE, wants=[b.want("mat")], name="Eve Evans"),
        ],
        week_start=WEEK,
    )


def move_plan() -> Plan:
    """The plan (see the module's words); it keeps every hard rule."""
    made = b.plan(
        [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY_MAT, TUESDAY_LATE_MAT],
        [
            b.allocation(ANN, MONDAY, "H2"),
            b.allocation(BEA, MONDAY, "H1"),
            b.allocation(CAT, THURSDAY, "H2"),
            b.allocation(DAN, THURSDAY, "H3"),
            b.allocation(BEA, FRIDAY, "H1"),
            b.allocation(CAT, FRIDAY, "H2"),
            b.allocation(DAN, FRIDAY, "H3"),
            b.allocation(EVE, SUNDAY_MAT),
        ],
    )
    assert check_plan(move_week(), made) == []
    return made
