"""My week and the timetable after publishing: cancel a place, book a make-up, wait for a space."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlmodel import select

from scheduler.bookings.waitlist import join_waitlist
from scheduler.core import models
from tests.smtp_sink import running_sink
from tests.studio_seed import csrf_token, make_app, sign_in_as
from tests.web.life_seed import ANN, BEA, EMAILS, EVE, FAY, LifeStudio, life_studio


def text_of(page: str) -> str:
    """What a person reads on the page, its spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


def slots(page: str) -> list[str]:
    """The timetable's classes as a person reads them, one line each."""
    return [text_of(li) for li in re.findall(r'<li class="slot[^"]*">(.*?)</li>', page, re.S)]


def cancel_on_the_page(http, studio: LifeStudio, s) -> str:
    """Cancel the signed-in client's place in `s` through its confirmation page; My week after."""
    confirm = http.get(studio.class_path(s) + "/cancel")
    assert confirm.status_code == 200
    done = http.post(
        studio.class_path(s) + "/cancel", data={"csrf_token": csrf_token(confirm.data)}
    )
    assert done.status_code == 302
    return http.get(done.location).text


def class_form(http, s, studio: LifeStudio, **more: str) -> dict[str, str]:
    token = csrf_token(http.get("/me/week").data)
    return {"csrf_token": token, "session": s.id, "week": studio.week_start.isoformat(), **more}


# --- Cancelling -------------------------------------------------------------------------------


def test_each_place_offers_cancelling_with_the_studios_cut_off_in_words(web, db_session):
    life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    page = text_of(web.get("/me/week").text)

    assert "Cancel before Monday 21:30 to keep a make-up credit." in page
    assert "Cancel this class" in page


def test_the_confirmation_page_says_the_terms_and_cancels_only_when_confirmed(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    confirm = web.get(studio.class_path(studio.tuesday) + "/cancel")

    assert "Cancel before Monday 21:30 to keep a make-up credit." in text_of(confirm.text)
    assert db_session.exec(select(models.Cancellation)).all() == []
    refused = web.post(studio.class_path(studio.tuesday) + "/cancel", data={})
    assert refused.status_code == 400
    assert db_session.exec(select(models.Cancellation)).all() == []


def test_a_cancelled_place_shows_as_cancelled_for_that_date_with_the_credit_listed(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    page = text_of(cancel_on_the_page(web, studio, studio.tuesday))

    tuesday = studio.week_start + timedelta(days=1)
    assert "is cancelled. You have a make-up credit to use by" in page
    assert f"Cancelled for {tuesday:%-d %B}" in page
    assert "Your make-up credits" in page and "Use by" in page
    assert "Cancel this class" not in page


def test_a_cancelled_place_cannot_be_cancelled_again_and_its_page_says_so(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)
    cancel_on_the_page(web, studio, studio.tuesday)

    again = web.get(studio.class_path(studio.tuesday) + "/cancel")

    assert again.status_code == 302
    place = text_of(web.get(again.location).text)
    assert "Cancelled for this date" in place
    assert "Cancel this class" not in place


def test_another_clients_place_cannot_be_cancelled_from_the_pages(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, EVE)
    token = csrf_token(web.get("/me/week").data)

    assert web.get(studio.class_path(studio.tuesday) + "/cancel").status_code == 404
    answer = web.post(studio.class_path(studio.tuesday) + "/cancel", data={"csrf_token": token})

    assert answer.status_code == 404
    assert db_session.exec(select(models.Cancellation)).all() == []


def test_the_freed_space_goes_to_the_fairest_waiting_client_who_is_e_mailed(
    database_url, engine, db_session
):
    studio = life_studio(db_session, drop_ins=True, **{FAY: {"missed_weeks": 2}})
    for key in (EVE, FAY):  # Eve asked first; Fay has missed out more lately
        join_waitlist(
            session=db_session,
            client_key=key,
            session_key=studio.tuesday.id,
            week_start=studio.week_start,
        )
    with running_sink() as sink:
        http = make_app(database_url, SMTP_HOST=sink.host, SMTP_PORT=sink.port).test_client()
        sign_in_as(http, db_session, BEA)
        cancel_on_the_page(http, studio, studio.tuesday)

    assert [r.recipients for r in sink.received] == [[EMAILS[FAY]]]
    body = sink.received[0].message.get_content()
    assert "it is yours" in body and "/me/week?week=" in body


# --- Booking a make-up ------------------------------------------------------------------------


def test_with_a_credit_my_week_lists_the_classes_with_a_space_to_book(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    page = text_of(cancel_on_the_page(web, studio, studio.tuesday))

    assert "Book a make-up" in page
    makeups = page.split("Book a make-up", 1)[1].split("Your make-up credits", 1)[0]
    assert "18:00 Reformer" in makeups and "1 space" in makeups
    assert "09:30 Reformer" not in makeups


def test_without_a_credit_there_is_nothing_to_book(web, db_session):
    life_studio(db_session)
    sign_in_as(web, db_session, EVE)

    assert "Book a make-up" not in web.get("/me/week").text


def test_booking_a_make_up_shows_it_in_my_week(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, ANN)
    cancel_on_the_page(web, studio, studio.tuesday)

    done = web.post("/me/bookings", data=class_form(web, studio.thursday, studio))

    assert done.status_code == 302
    page = text_of(web.get(done.location).text)
    assert "You are booked into Reformer at Hitchin on Thursday" in page
    assert "on reformer R2. Your make-up credit pays for it." in page
    assert "Make-up" in page and "Used for Reformer at Hitchin on Thursday" in page


def test_a_refused_booking_says_why_in_a_flash_message(web, db_session):
    studio = life_studio(db_session)
    sign_in_as(web, db_session, EVE)

    done = web.post("/me/bookings", data=class_form(web, studio.thursday, studio))

    page = text_of(web.get(done.location).text)
    assert "You have no make-up credit left to use for this class" in page
    assert db_session.exec(select(models.Booking)).all() == []


def test_booking_without_the_csrf_token_is_refused(web, db_session):
    studio = life_studio(db_session, drop_ins=True)
    sign_in_as(web, db_session, EVE)
    form = class_form(web, studio.thursday, studio)
    del form["csrf_token"]

    assert web.post("/me/bookings", data=form).status_code == 400
    assert db_session.exec(select(models.Booking)).all() == []


# --- The waitlist -----------------------------------------------------------------------------


def test_a_client_waiting_sees_it_in_my_week_and_can_leave(web, db_session):
    studio = life_studio(db_session, drop_ins=True)
    sign_in_as(web, db_session, EVE)
    web.post("/me/waitlist", data=class_form(web, studio.tuesday, studio))

    page = text_of(web.get("/me/week").text)
    assert "Waiting for a space" in page and "Next in line" in page

    done = web.post("/me/waitlist/leave", data=class_form(web, studio.tuesday, studio))

    page = text_of(web.get(done.location).text)
    assert "You have left the waitlist for Reformer at Hitchin on Tuesday" in page
    assert "Waiting for a space" not in page


# --- The public timetable ---------------------------------------------------------------------


def test_a_cancelled_place_shows_as_a_space_on_the_timetable(web, db_session):
    studio = life_studio(db_session)
    anonymous = web.application.test_client()
    assert ["Full" in line for line in slots(anonymous.get("/").text)] == [True, False]
    sign_in_as(web, db_session, BEA)

    cancel_on_the_page(web, studio, studio.tuesday)

    tuesday, thursday = slots(anonymous.get("/").text)
    assert "1 space" in tuesday and "Full" not in tuesday
    assert "1 space" in thursday


def test_an_anonymous_visitor_is_asked_to_sign_in_to_book_or_wait(web, db_session):
    life_studio(db_session)

    page = text_of(web.get("/").text)

    assert "Sign in to join the waitlist" in page and "Sign in to book" in page
    assert 'action="/me/bookings"' not in web.get("/").text


def test_a_client_with_a_credit_books_or_waits_from_the_timetable(web, db_session):
    studio = life_studio(db_session, drop_ins=True)
    sign_in_as(web, db_session, EVE)

    page = web.get("/").text

    assert 'action="/me/bookings"' in page and 'action="/me/waitlist"' in page
    done = web.post("/me/waitlist", data=class_form(web, studio.tuesday, studio, back="timetable"))
    assert done.location.endswith(f"/timetable/{studio.week_start.isoformat()}")
    page = text_of(web.get(done.location).text)
    assert "You are on the waitlist for Reformer at Hitchin on Tuesday" in page
    assert "Full, 1 waiting" in slots(web.get(done.location).text)[0]


def test_the_timetable_marks_my_own_classes_and_asks_for_a_credit_to_book(web, db_session):
    life_studio(db_session)
    sign_in_as(web, db_session, ANN)

    page = text_of(web.get("/").text)

    assert "Your class" in page
    assert "To book a space you need a make-up credit" in page
    assert 'action="/me/bookings"' not in web.get("/").text
