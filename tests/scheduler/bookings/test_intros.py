"""Booking the intro 1-2-1: the times an instructor is free, the booking, and what follows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.cancel import cancel_place
from scheduler.bookings.intros import book_intro, intro_need, intro_offer, intro_times
from scheduler.core import models
from scheduler.core.names import weekday_time
from scheduler.planning.solving import solve_week
from tests import builders as b
from tests.scheduler.bookings.intro_seed import (
    BOTH,
    NEW,
    NIA_TIMES,
    NOW,
    WEEK_START,
    jo,
    nia,
    publish_intro_week,
)
from tests.scheduler.bookings.life_seed import checked_live

MONDAY = date.fromisoformat(WEEK_START)


def times_of(db, client=NEW, now=NOW) -> list[str]:
    return [weekday_time(t.minute) for t in intro_times(session=db, client_key=client, now=now)]


def local(day: int, clock: str) -> datetime:
    """A local wall-clock time of the week: `local(1, "10:45")` is Tuesday 10:45."""
    hours, minutes = map(int, clock.split(":"))
    return datetime.combine(MONDAY + timedelta(days=day), datetime.min.time()).replace(
        hour=hours, minute=minutes
    )


def intro_places(live) -> list:
    """Nia's places in the live plan, with their sessions."""
    sessions = {s.id: s for s in live.now_plan.sessions}
    return [(a, sessions[a.session]) for a in live.now_plan.allocations if a.client == NEW]


# --- The times ---------------------------------------------------------------------------------


def test_a_new_client_gets_the_times_the_instructor_is_free_after_her_journey(db_session):
    publish_intro_week(db_session)
    assert times_of(db_session) == NIA_TIMES


def test_each_time_is_in_the_studios_words(db_session):
    publish_intro_week(db_session)
    first = intro_times(session=db_session, client_key=NEW, now=NOW)[0]
    assert first.label == "Tue 10:45 1-2-1 Reformer at Hitchin with Jo Evans"
    assert first.value == "2026-12-08T10:45"
    assert (first.room_name, first.end.strftime("%H:%M")) == ("Studio", "11:35")


def test_at_both_venues_the_time_after_the_class_is_where_the_instructor_already_is(db_session):
    publish_intro_week(db_session, venues=BOTH)
    times = intro_times(session=db_session, client_key=NEW, now=NOW)
    by_start = {weekday_time(t.minute): t for t in times}
    assert by_start["Tue 10:30"].venue == "stevenage"
    assert by_start["Tue 10:45"].venue == "stevenage"
    assert "Tue 09:00" not in by_start
    assert len(by_start) == len(times)


def test_the_instructors_day_cap_leaves_only_the_day_she_does_not_teach(db_session):
    publish_intro_week(db_session, instructors=[jo(max_day_minutes=90)])
    assert times_of(db_session) == ["Wed 09:00"]


def test_the_instructors_week_cap_leaves_no_time(db_session):
    publish_intro_week(db_session, instructors=[jo(max_week_minutes=140)])
    assert times_of(db_session) == []


def test_times_keep_to_the_clients_hours(db_session):
    publish_intro_week(db_session, availability=[("thu", "18:30", "20:00")])
    assert times_of(db_session) == ["Thu 19:00"]


def test_times_start_after_the_studios_cut_off(db_session):
    publish_intro_week(db_session)
    tuesday_morning = datetime(2026, 12, 7, 23, 30, tzinfo=NOW.tzinfo)
    assert times_of(db_session, now=tuesday_morning)[0] == "Tue 11:30"


def test_one_time_per_start_with_the_instructor_the_client_prefers(db_session):
    ann = b.instructor("ann", availability=[("thu", "17:00", "20:00", ["hitchin"])], name="Ann Lee")
    publish_intro_week(db_session, instructors=[jo(), ann], prefers_instructors=["ann"])
    thursday = [
        t for t in intro_times(session=db_session, client_key=NEW, now=NOW) if t.day.day == 10
    ]
    assert [(weekday_time(t.minute), t.instructor) for t in thursday] == [
        ("Thu 17:00", "ann"),
        ("Thu 19:00", "ann"),
    ]


def test_a_client_who_needs_no_intro_gets_no_times(db_session):
    publish_intro_week(db_session)
    with pytest.raises(BookingRefused) as refused:
        intro_times(session=db_session, client_key="c3", now=NOW)
    assert refused.value.reason == "not_needed"


def test_without_a_published_week_there_are_no_times(db_session):
    with pytest.raises(ClassNotFound):
        intro_times(session=db_session, client_key=NEW, week_start=MONDAY, now=NOW)


# --- The booking -------------------------------------------------------------------------------


def test_the_intro_booked_is_a_session_of_its_own_in_the_live_plan(db_session):
    publish_intro_week(db_session)
    booking = book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    assert booking.kind == "intro"
    assert booking.session == "intro-tue-1045-hitchin-studio-c-new"
    assert (booking.instructor, booking.room, booking.reformer) == ("jo", "hitchin-studio", "R1")
    [(place, s)] = intro_places(checked_live(db_session))
    assert (s.id, s.class_type, place.reformer) == (booking.session, "121-reformer", "R1")
    assert weekday_time(s.start) == "Tue 10:45"
    need = intro_need(session=db_session, client_key=NEW, week_start=MONDAY)
    assert need.booked.label == "Tue 10:45 1-2-1 Reformer at Hitchin with Jo Evans"


def test_a_client_has_one_intro_a_week(db_session):
    publish_intro_week(db_session)
    book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key=NEW, start=local(3, "19:00"), now=NOW)
    assert refused.value.reason == "already"
    assert "Tue 10:45 1-2-1 Reformer at Hitchin" in refused.value.message
    with pytest.raises(BookingRefused):
        intro_times(session=db_session, client_key=NEW, now=NOW)


def test_a_client_who_needs_no_intro_cannot_book_one(db_session):
    publish_intro_week(db_session)
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key="c3", start=local(1, "10:45"), now=NOW)
    assert refused.value.reason == "not_needed"


def test_a_time_during_the_instructors_journey_is_refused_in_plain_words(db_session):
    publish_intro_week(db_session)
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key=NEW, start=local(1, "10:30"), now=NOW)
    assert refused.value.reason == "rules"
    assert "Jo Evans" in refused.value.message
    assert "stevenage" not in refused.value.message
    assert db_session.exec(select(models.Booking)).all() == []


def test_a_time_the_instructor_is_teaching_is_refused(db_session):
    publish_intro_week(db_session, venues=BOTH)
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key=NEW, start=local(3, "18:15"), now=NOW)
    assert "No instructor who teaches intros is free at Thu 18:15" in refused.value.message


def test_the_instructors_week_cap_refuses_the_booking_and_says_so(db_session):
    publish_intro_week(db_session, instructors=[jo(max_week_minutes=140)])
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key=NEW, start=local(2, "09:00"), now=NOW)
    assert "Jo Evans" in refused.value.message and "week" in refused.value.message


def test_a_time_within_the_cut_off_is_too_soon(db_session):
    publish_intro_week(db_session)
    late = datetime(2026, 12, 8, 1, 0, tzinfo=NOW.tzinfo)
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=late)
    assert refused.value.reason == "too_soon"
    assert "12 hours" in refused.value.message


def test_a_time_outside_the_week_is_not_found(db_session):
    publish_intro_week(db_session)
    with pytest.raises(ClassNotFound):
        book_intro(session=db_session, client_key=NEW, start=local(9, "10:45"), now=NOW)


def test_an_instructor_booked_by_one_new_client_is_not_free_for_the_next(db_session):
    publish_intro_week(db_session, more_clients=(nia(id="c-two", name="Tia Two"),))
    book_intro(session=db_session, client_key=NEW, start=local(2, "09:00"), now=NOW)
    assert "Wed 09:00" not in times_of(db_session, client="c-two")
    with pytest.raises(BookingRefused) as refused:
        book_intro(session=db_session, client_key="c-two", start=local(2, "09:00"), now=NOW)
    assert refused.value.reason == "rules"


# --- Cancelling it, and the next solve ---------------------------------------------------------


def test_cancelling_the_intro_frees_the_instructor_and_the_client_may_book_again(db_session):
    publish_intro_week(db_session)
    booking = book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    outcome = cancel_place(session=db_session, client_key=NEW, session_key=booking.session, now=NOW)
    assert not outcome.late and outcome.placed == ()
    live = checked_live(db_session)
    assert booking.session not in {s.id for s in live.now_plan.sessions}
    assert times_of(db_session) == NIA_TIMES
    again = book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    assert again.session == booking.session and again.id != booking.id


def test_the_next_solve_keeps_the_intro_and_places_the_group_class_after_it(db_session):
    publish_intro_week(db_session)
    booking = book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    live = checked_live(db_session)
    intro = next(s for s in live.plan.sessions if s.id == booking.session)
    assert (intro.room, intro.instructor, weekday_time(intro.start)) == (
        "hitchin-studio",
        "jo",
        "Tue 10:45",
    )
    places = {s.class_type: s for _, s in intro_places(live)}
    assert set(places) == {"121-reformer", "reformer"}
    assert places["reformer"].start >= intro.end


def test_an_intro_cancelled_after_a_solve_takes_the_group_class_needing_it_and_stays_gone(
    db_session,
):
    publish_intro_week(db_session)
    booking = book_intro(session=db_session, client_key=NEW, start=local(1, "10:45"), now=NOW)
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    group = next(s for _, s in intro_places(checked_live(db_session)) if s.id != booking.session)
    outcome = cancel_place(session=db_session, client_key=NEW, session_key=booking.session, now=NOW)
    assert outcome.with_it == (group.id,)
    assert intro_places(checked_live(db_session)) == []
    solve_week(session=db_session, week_start=WEEK_START, time_limit=5, publish=True)
    live = checked_live(db_session)
    assert booking.session not in {s.id for s in live.now_plan.sessions}
    # Her intro want stands: the solve may find her another, never the one given up.
    assert "Tue 10:45" not in {weekday_time(s.start) for _, s in intro_places(live)}


def test_the_offer_lists_the_times_by_day_and_once_booked_the_intro_alone(db_session):
    publish_intro_week(db_session)
    offer = intro_offer(session=db_session, client_key=NEW, now=NOW)
    assert [(day.strftime("%a"), len(times)) for day, times in offer.days] == [
        ("Tue", 6),
        ("Wed", 1),
        ("Thu", 2),
    ]
    book_intro(session=db_session, client_key=NEW, start=local(2, "09:00"), now=NOW)
    offer = intro_offer(session=db_session, client_key=NEW, now=NOW)
    assert (offer.booked.label, offer.times) == (
        "Wed 09:00 1-2-1 Reformer at Hitchin with Jo Evans",
        (),
    )
