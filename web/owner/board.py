"""A week and its plan as the owner's pages show them: sessions per venue and day."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort, current_app

from scheduler.bookings.intros import booked_intros
from scheduler.core import models
from scheduler.planning.solving import owner_draft
from scheduler.store.plans import load_stored_plan, plan_versions
from scheduler.store.weeks import column_by_key, load_stored_week, week_row, week_starts
from solver.domain import DAYS, MINUTES_PER_DAY, Plan, Week
from web.db import get_session
from web.owner.common import DAY_NAMES, clock


@dataclass
class Card:
    """A session as the week grid shows it."""

    key: str
    class_name: str
    time: str
    instructor: str
    room: str
    taken: int
    capacity: int
    pinned: bool
    uses_reformers: bool
    booked_by: str | None = None
    """The client who booked it (their name), for an intro 1-2-1 booked after publishing."""
    booked_by_key: str | None = None

    @property
    def fill(self) -> str:
        share = self.taken / self.capacity if self.capacity else 1
        if share >= 1:
            return "fill-full"
        if share >= 0.75:
            return "fill-high"
        if share >= 0.4:
            return "fill-mid"
        return "fill-low"


@dataclass
class Board:
    """One week as the owner sees it: the plan in view, its sessions per venue and day."""

    week_start: date
    week: Week
    plan_row: models.Plan | None
    plan: Plan | None
    published: models.Plan | None
    previous: date | None
    following: date | None
    venues: list[tuple[Any, list[tuple[str, list[Card]]]]] = field(default_factory=list)
    versions: list[models.Plan] = field(default_factory=list)
    cards: dict[str, Card] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def board_or_404(week_start: date, plan_id: int | None = None) -> Board:
    """The week's board with plan version `plan_id` (default: the owner's draft waiting, else
    the latest); not found if none."""
    session = get_session()
    stored = week_row(session=session, week_start=week_start)
    if stored is None:
        abort(404)
    # The grid shows the timetable, not the clients: their names come in one query below.
    week = load_stored_week(session=session, week_start=week_start, with_clients=False)
    versions = plan_versions(session=session, week_id=stored.id)
    if plan_id is not None:
        plan_row = next((v for v in versions if v.id == plan_id), None)
        if plan_row is None:
            abort(404)
    else:
        # A draft of the owner's opens the page, even below a version the night made.
        draft = owner_draft(session=session, week_start=week_start)
        plan_row = draft or (versions[0] if versions else None)
    plan = load_plan(plan_row) if plan_row else None
    starts = week_starts(session=session)
    board = Board(
        week_start=week_start,
        week=week,
        plan_row=plan_row,
        plan=plan,
        published=next((v for v in versions if v.status == "published"), None),
        previous=max((s for s in starts if s < week_start), default=None),
        following=min((s for s in starts if s > week_start), default=None),
        versions=versions,
    )
    board.names = client_names(stored)
    if plan is None:
        board.venues = [(v, []) for v in week.venues]
        return board
    class_types = week.class_type_by_id
    instructors = week.instructor_by_id
    rooms = week.rooms
    pinned = {p.id for p in week.pinned_sessions}
    taken: dict[str, int] = defaultdict(int)
    for a in plan.allocations:
        taken[a.session] += 1
    by_venue_day: dict[str, dict[int, list[Card]]] = defaultdict(lambda: defaultdict(list))
    for s in sorted(plan.sessions, key=lambda s: (s.start, s.room)):
        ct = class_types.get(s.class_type)
        room = rooms.get(s.room)
        capacity = week.capacity(ct, room) if ct and room else 0
        card = Card(
            key=s.id,
            class_name=ct.name if ct else s.class_type,
            time=f"{clock(s.start)}–{clock(s.end)}",
            instructor=instructors[s.instructor].name
            if s.instructor in instructors
            else s.instructor,
            room=s.room,
            taken=taken[s.id],
            capacity=capacity,
            pinned=s.id in pinned,
            uses_reformers=bool(ct and ct.uses_reformers),
        )
        board.cards[s.id] = card
        by_venue_day[s.venue][s.start // MINUTES_PER_DAY].append(card)
    _add_booked_intros(board, stored, by_venue_day)
    board.venues = [
        (v, [(DAY_NAMES[d], by_venue_day[v.id][d]) for d in range(len(DAYS))]) for v in week.venues
    ]
    return board


def _add_booked_intros(
    board: Board, stored: models.Week, by_venue_day: dict[str, dict[int, list[Card]]]
) -> None:
    """Mark the intros clients booked as pinned and theirs; one no solve has kept yet is
    added to the grid beside the plan's sessions (not one of `board.cards`)."""
    class_types = board.week.class_type_by_id
    for b in booked_intros(session=get_session(), week_id=stored.id):
        s = b.own_session
        who = board.names.get(b.client, b.client)
        if s.id in board.cards:
            card = board.cards[s.id]
            card.pinned, card.booked_by, card.booked_by_key = True, who, b.client
            continue
        ct = class_types.get(s.class_type)
        card = Card(
            key=s.id,
            class_name=ct.name if ct else s.class_type,
            time=f"{clock(s.start)}–{clock(s.end)}",
            instructor=board.week.instructor_by_id[s.instructor].name
            if s.instructor in board.week.instructor_by_id
            else s.instructor,
            room=s.room,
            taken=1,
            capacity=1,
            pinned=True,
            uses_reformers=bool(ct and ct.uses_reformers),
            booked_by=who,
            booked_by_key=b.client,
        )
        cards = by_venue_day[s.venue][s.start // MINUTES_PER_DAY]
        cards.append(card)
        cards.sort(key=lambda c: c.time)


class _PublishedPlans:
    """The app's last few published plans as domain data, by plan id and publishing time.

    A published plan never changes (an edit copies it to a new draft), so it can be
    read from the database once per process; drafts are always read afresh.
    """

    SIZE = 8

    def __init__(self) -> None:
        self._plans: OrderedDict[tuple[int, Any], Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, row: models.Plan) -> Plan:
        key = (row.id, row.published_at)
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]
        plan = load_stored_plan(session=get_session(), plan_id=row.id)
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self.SIZE:
                self._plans.popitem(last=False)
        return plan


def load_plan(row: models.Plan) -> Plan:
    """The plan of `row` as domain data; a published one from the app's cache."""
    if row.status != "published" or row.published_at is None:
        return load_stored_plan(session=get_session(), plan_id=row.id)
    cache = current_app.extensions.setdefault("reformer_published_plans", _PublishedPlans())
    return cache.get(row)


def client_names(week_row: models.Week) -> dict[str, str]:
    """Every client of the week by id, active or not (a plan may name a cancelled one)."""
    return column_by_key(session=get_session(), week_id=week_row.id, column=models.Client.name)
