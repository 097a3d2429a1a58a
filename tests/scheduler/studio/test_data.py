"""The studio's data as the owner's pages read it: opening hours, reformers, wishes, clients."""

from __future__ import annotations

import pytest

from scheduler.core import models
from scheduler.formats.clients_csv import CsvError
from scheduler.store.weeks import save_week, week_data_row
from scheduler.studio.data import (
    client_wants,
    import_clients,
    opening_windows,
    room_reformers,
    search_clients,
)
from tests.builders import at, client, venue, want, week
from tests.stored import database_content

WEEK = "2026-11-30"
HEADER = "name,email,phone,level,venues,availability,wants\n"


@pytest.fixture
def studio(db_session):
    """Hitchin open Monday and Saturday mornings; three clients, Ann wanting two kinds of class."""
    w = week(
        venues=[venue(open=[("sat", "08:00", "12:00"), ("mon", "09:00", "12:00")])],
        clients=[
            client("c1", name="Ann Archer", wants=[want("reformer", per_week=2), want("mat")]),
            client("c2", name="Ben Baker"),
            client("c3", name="Cat Archer"),
        ],
    )
    save_week(session=db_session, week=w)
    db_session.commit()
    return w


def row(db_session, model, key):
    return week_data_row(session=db_session, week_start=WEEK, model=model, key=key)


def test_a_venues_opening_hours_come_earliest_first(db_session, studio):
    hitchin = row(db_session, models.Venue, "hitchin")
    windows = opening_windows(session=db_session, venue_id=hitchin.id)
    assert [(w.start, w.end) for w in windows] == [
        (at("mon", "09:00"), at("mon", "12:00")),
        (at("sat", "08:00"), at("sat", "12:00")),
    ]


def test_a_rooms_reformers_come_in_the_order_stored(db_session, studio):
    room = row(db_session, models.Room, "hitchin-studio")
    assert [r.key for r in room_reformers(session=db_session, room_id=room.id)] == [
        "R1",
        "R2",
        "R3",
    ]


def test_a_clients_wishes_come_in_the_order_stored(db_session, studio):
    ann = row(db_session, models.Client, "c1")
    wishes = client_wants(session=db_session, client_id=ann.id)
    assert [(w.class_types, w.per_week) for w in wishes] == [(["reformer"], 2), (["mat"], 1)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", ["Ann Archer", "Ben Baker", "Cat Archer"]),
        ("archer", ["Ann Archer", "Cat Archer"]),
        ("C2", ["Ben Baker"]),
        ("nobody", []),
    ],
)
def test_clients_are_found_by_any_part_of_name_or_id_in_name_order(db_session, studio, text, found):
    assert [c.name for c in search_clients(session=db_session, week_start=WEEK, text=text)] == found


def test_clients_of_another_week_are_not_found(db_session, studio):
    assert search_clients(session=db_session, week_start="2026-12-07") == []


def test_a_clients_file_is_imported_and_committed(db_session, engine, studio):
    text = HEADER + "Dee New,dee@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
    done = import_clients(session=db_session, week_start=WEEK, text=text)
    assert (done.added, done.updated) == (1, 0)
    db_session.rollback()  # Nothing is left for the caller to commit.
    names = [c.name for c in search_clients(session=db_session, week_start=WEEK)]
    assert "Dee New" in names


def test_a_clients_file_with_a_bad_row_writes_nothing(db_session, engine, studio):
    text = HEADER + (
        "Dee New,dee@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
        "Bad Venue,bad@example.org,,beginner,atlantis,Mon 09:00-12:00,reformer\n"
    )
    before = database_content(engine)
    with pytest.raises(CsvError, match="atlantis"):
        import_clients(session=db_session, week_start=WEEK, text=text)
    assert database_content(engine) == before
