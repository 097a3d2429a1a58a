"""The last space of a class, taken at once from two processes: exactly one gets it.

Each race runs in two processes of their own (multiprocessing's spawn, each with its
own engine) that start at a barrier together, round after round, on this test's
database (a SQLite file, or a PostgreSQL schema when `DATABASE_URL` says so). Between
rounds the week is put back as published and the round set up again.

The week is `life_seed`'s: Tuesday 09:30's reformer class is full with c1, c2 and c3.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest
from sqlalchemy import delete
from sqlmodel import Session

from scheduler.bookings.booking import BookingRefused, book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.waitlist import join_waitlist
from scheduler.core import models
from tests.scheduler.bookings.life_seed import (
    NOW,
    TUESDAY,
    WEEK_START,
    checked_live,
    publish_life_week,
)

ROUNDS = 10
#: How long a process waits for the other at the barrier, or the test for an answer.
PATIENCE = 120
LIFE = (models.WaitlistEntry, models.Booking, models.MakeupCredit, models.Cancellation)


def _racer(database_url: str, action: str, client: str, rounds: int, barrier, answers) -> None:
    """In a process of its own: each round, wait at the barrier, then book or cancel the
    client's Tuesday place, and answer what came of it."""
    from scheduler.core.db import get_engine

    engine = get_engine(database_url)
    act = book_space if action == "book" else cancel_place
    for round_ in range(rounds):
        barrier.wait(timeout=PATIENCE)
        with Session(engine, expire_on_commit=False) as session:
            try:
                act(
                    session=session,
                    client_key=client,
                    session_key=TUESDAY.id,
                    week_start=date.fromisoformat(WEEK_START),
                    now=NOW,
                )
                answer = "done"
            except BookingRefused as refused:
                answer = refused.reason
            except Exception as exc:  # the race must never break anything else
                answer = f"{type(exc).__name__}: {exc}"
        answers.put((round_, client, answer))


class Race:
    """Two racing processes, each doing one thing for one client, and their answers."""

    def __init__(self, database_url: str, rounds: int, *racers: tuple[str, str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.barrier = context.Barrier(len(racers) + 1)
        self.answers = context.Queue()
        self.processes = [
            context.Process(
                target=_racer,
                args=(database_url, action, client, rounds, self.barrier, self.answers),
            )
            for action, client in racers
        ]
        for p in self.processes:
            p.start()

    def run(self) -> dict[str, str]:
        """Let the racers go at once; what each client's attempt came to."""
        self.barrier.wait(timeout=PATIENCE)
        answers = [self.answers.get(timeout=PATIENCE) for _ in self.processes]
        return {client: answer for _, client, answer in answers}

    def end(self) -> None:
        for p in self.processes:
            p.join(timeout=PATIENCE)
            if p.is_alive():
                p.kill()
        assert [p.exitcode for p in self.processes] == [0] * len(self.processes)


def _back_as_published(db: Session) -> None:
    """The week as it was published: no cancellation, booking, credit or waiting client."""
    for model in LIFE:
        db.exec(delete(model))
    db.commit()


def _tuesday(db: Session) -> list[str]:
    """Tuesday's clients as the week stands, which keeps every hard rule (capacity too)."""
    live = checked_live(db)
    return sorted(a.client for a in live.now_plan.allocations if a.session == TUESDAY.id)


@pytest.fixture
def week_with_drop_ins(db_session: Session) -> Session:
    publish_life_week(db_session)
    db_session.add(models.StudioPolicy(drop_ins=True))
    db_session.commit()
    return db_session


@pytest.mark.slow
def test_two_clients_booking_the_last_space_at_once_one_gets_it(database_url, week_with_drop_ins):
    db = week_with_drop_ins
    race = Race(database_url, ROUNDS, ("book", "c5"), ("book", "c6"))
    try:
        for _ in range(ROUNDS):
            _back_as_published(db)
            cancel_place(session=db, client_key="c1", session_key=TUESDAY.id, now=NOW)
            assert _tuesday(db) == ["c2", "c3"]

            answers = race.run()

            [winner] = [c for c, answer in answers.items() if answer == "done"]
            [loser] = [c for c, answer in answers.items() if answer != "done"]
            assert answers[loser] in ("full", "taken"), answers
            assert _tuesday(db) == sorted(["c2", "c3", winner])
    finally:
        race.end()


@pytest.mark.slow
def test_a_space_freed_while_another_client_books_goes_to_the_waiting_client_alone(
    database_url, week_with_drop_ins
):
    db = week_with_drop_ins
    race = Race(database_url, ROUNDS, ("cancel", "c1"), ("book", "c6"))
    try:
        for _ in range(ROUNDS):
            _back_as_published(db)
            join_waitlist(session=db, client_key="c5", session_key=TUESDAY.id, now=NOW)

            answers = race.run()

            # The cancellation gives the space to c5 in its own commit: c6 finds it full.
            assert answers == {"c1": "done", "c6": "full"}
            assert _tuesday(db) == ["c2", "c3", "c5"]
    finally:
        race.end()
