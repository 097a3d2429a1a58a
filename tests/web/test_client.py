"""The client's pages: one-time sign-in links, my week, my places, my calendar, my preferences."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta

from sqlmodel import select

from scheduler.clients.access import account_for, redeem_sign_in_token
from scheduler.core import models
from scheduler.core.models import utcnow
from tests.smtp_sink import running_sink
from tests.studio_seed import (
    ANN,
    BEA,
    CAT,
    CAT_REASON,
    EMAILS,
    SECRET_KEY,
    csrf_token,
    make_app,
    sign_in_as,
    sign_in_link,
)

# --- Asking for a link ----------------------------------------------------------------------


def test_sign_in_page_asks_for_an_email(web):
    page = web.get("/me/sign-in")

    assert page.status_code == 200
    assert b'name="email"' in page.data


def test_asking_for_a_link_mails_it_to_the_client_and_it_signs_them_in(
    database_url, engine, studio, db_session
):
    with running_sink() as sink:
        app = make_app(database_url, SMTP_HOST=sink.host, SMTP_PORT=sink.port)
        http = app.test_client()
        token = csrf_token(http.get("/me/sign-in").data)
        answer = http.post("/me/sign-in", data={"email": "ANN@example.com ", "csrf_token": token})

    assert answer.status_code == 200
    assert [r.recipients for r in sink.received] == [[EMAILS[ANN]]]
    body = sink.received[0].message.get_content()
    path = re.search(r"http://localhost(/me/link/\S+)", body).group(1)
    page = http.get(path)
    signed_in = http.post(path, data={"csrf_token": csrf_token(page.data)})
    assert signed_in.status_code == 302
    assert "Ann Archer" in http.get("/me/week").text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(database_url, engine, studio):
    with running_sink() as sink:
        app = make_app(database_url, SMTP_HOST=sink.host, SMTP_PORT=sink.port)
        http = app.test_client()

        def ask(email: str) -> str:
            token = csrf_token(http.get("/me/sign-in").data)
            answer = http.post("/me/sign-in", data={"email": email, "csrf_token": token})
            assert answer.status_code == 200
            return answer.text.replace(email, "EMAIL")

        known = ask(EMAILS[BEA])
        unknown = ask("stranger@example.com")

    assert known == unknown
    assert [r.recipients for r in sink.received] == [[EMAILS[BEA]]]


def test_development_without_smtp_logs_the_link_instead_of_sending(
    database_url, engine, studio, caplog
):
    http = make_app(database_url, ENV_NAME="development").test_client()
    token = csrf_token(http.get("/me/sign-in").data)

    with caplog.at_level(logging.WARNING, logger="scheduler.clients.access"):
        http.post("/me/sign-in", data={"email": EMAILS[CAT], "csrf_token": token})

    assert any("/me/link/" in r.getMessage() and CAT in r.getMessage() for r in caplog.records)


def test_a_malformed_email_is_refused_with_its_error(web, studio):
    token = csrf_token(web.get("/me/sign-in").data)

    answer = web.post("/me/sign-in", data={"email": "not-an-address", "csrf_token": token})

    assert answer.status_code == 400
    assert "Enter an e-mail address" in answer.text


def test_asking_for_a_link_without_the_csrf_token_is_refused(web, studio, db_session):
    answer = web.post("/me/sign-in", data={"email": EMAILS[ANN]})

    assert answer.status_code == 400
    assert db_session.exec(select(models.LoginToken)).all() == []


# --- Using a link ---------------------------------------------------------------------------


def test_opening_a_link_does_not_use_it_until_the_client_confirms(web, studio, db_session):
    path = sign_in_link(db_session, ANN)

    web.get(path)
    web.get(path)

    assert db_session.exec(select(models.LoginToken)).one().used_at is None
    assert web.get("/me/week").status_code == 302


def test_a_link_works_once(web, studio, db_session):
    path = sign_in_link(db_session, ANN)
    token = csrf_token(web.get(path).data)
    assert web.post(path, data={"csrf_token": token}).status_code == 302
    other = make_app(web.application.config["DATABASE_URL"]).test_client()

    reopened = other.get(path)
    reused = other.post(path, data={"csrf_token": token})

    assert reopened.status_code == 410
    assert "already been used" in reopened.text
    assert reused.status_code in (400, 410)
    assert other.get("/me/week").status_code == 302


def test_an_expired_link_shows_a_clear_page_and_signs_nobody_in(web, studio, db_session):
    path = sign_in_link(db_session, ANN, now=utcnow() - timedelta(minutes=31))

    page = web.get(path)

    assert page.status_code == 410
    assert "expired" in page.text
    assert web.get("/me/week").status_code == 302


def test_an_expired_link_cannot_be_used_even_with_a_form(web, studio, db_session):
    fresh = sign_in_link(db_session, BEA)
    token = csrf_token(web.get(fresh).data)
    expired = sign_in_link(db_session, ANN, now=utcnow() - timedelta(minutes=31))

    answer = web.post(expired, data={"csrf_token": token})

    assert answer.status_code == 410
    assert web.get("/me/week").status_code == 302


def test_a_tampered_link_is_not_found(web, studio, db_session):
    path = sign_in_link(db_session, ANN)

    page = web.get(path[:-3] + "xyz")

    assert page.status_code == 404
    assert "not a sign-in link" in page.text


def test_a_link_signed_with_another_key_is_refused(web, studio, db_session):
    path = sign_in_link(db_session, ANN)
    token = path.rsplit("/", 1)[1]

    try:
        redeem_sign_in_token(session=db_session, token=token, secret_key=SECRET_KEY + "x")
    except ValueError as error:
        assert error.reason == "invalid"
    else:
        raise AssertionError("a link signed with another key signed someone in")


def test_using_a_link_without_the_csrf_token_is_refused_and_the_link_kept(web, studio, db_session):
    path = sign_in_link(db_session, ANN)

    answer = web.post(path)

    assert answer.status_code == 400
    db_session.expire_all()
    assert db_session.exec(select(models.LoginToken)).one().used_at is None


# --- My week --------------------------------------------------------------------------------


def reformer_badges(page: str) -> list[str]:
    """The reformer numbers a client's page shows, badge by badge."""
    return re.findall(r'<span class="number">([^<]*)</span>', page)


def visible_text(page: str) -> str:
    """What a person reads on the page: text without tags, so without the feed's secret URL."""
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


def test_my_week_needs_a_signed_in_client(web, studio):
    answer = web.get("/me/week")

    assert answer.status_code == 302
    assert "/me/sign-in" in answer.headers["Location"]


def test_my_week_shows_my_places_with_reformer_numbers(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    page = web.get("/me/week").text

    assert "Reformer" in page and "APPI Mat" in page
    assert reformer_badges(page) == ["R2"]
    assert "Hitchin" in page and "Stevenage" in page and "Jo Evans" in page
    assert "09:30" in page and "18:00" in page
    # Bea's machine in the same class: as a whole word, since the feed secret is random letters.
    assert re.search(r"\bR1\b", visible_text(page)) is None
    assert "Bea Brown" not in page and BEA not in page


def test_my_week_shows_my_unplaced_wants_with_reasons(web, studio, db_session):
    sign_in_as(web, db_session, CAT)

    page = web.get("/me/week").text

    assert "Not placed this week" in page
    assert CAT_REASON in html.unescape(page)


def test_a_week_not_stored_is_not_found(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    assert web.get("/me/week?week=2001-01-01").status_code == 404
    assert web.get("/me/week?week=last-tuesday").status_code == 404


def test_a_draft_plan_is_not_shown_to_clients(database_url, engine, db_session):
    from tests.studio_seed import seed_studio

    seed_studio(db_session, publish=False)
    http = make_app(database_url).test_client()
    sign_in_as(http, db_session, ANN)

    page = http.get("/me/week").text

    assert reformer_badges(page) == []
    assert "not published" in page


def _class_path(studio, class_type: str) -> str:
    s = next(s for s in studio.plan.sessions if s.class_type == class_type)
    return f"/me/week/{studio.week_start.isoformat()}/classes/{s.id}"


def test_my_place_page_shows_my_reformer(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    page = web.get(_class_path(studio, "reformer"))

    assert page.status_code == 200
    assert reformer_badges(page.text) == ["R2"]


def test_a_class_i_have_no_place_in_is_not_found(web, studio, db_session):
    sign_in_as(web, db_session, BEA)

    assert web.get(_class_path(studio, "mat")).status_code == 404
    assert web.get(f"/me/week/{studio.week_start.isoformat()}/classes/nothing").status_code == 404
    assert web.get("/me/week/not-a-date/classes/nothing").status_code == 404


def test_signing_out_ends_the_clients_session(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    token = csrf_token(web.get("/me/week").data)

    web.post("/me/sign-out", data={"csrf_token": token})

    assert web.get("/me/week").status_code == 302


def test_a_copied_client_cookie_signs_nobody_in_after_sign_out(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    thief = web.application.test_client()
    thief.set_cookie("session", web.get_cookie("session").value)
    assert thief.get("/me/week").status_code == 200

    web.post("/me/sign-out", data={"csrf_token": csrf_token(web.get("/me/week").data)})

    assert thief.get("/me/week").status_code == 302


# --- My calendar --------------------------------------------------------------------------------


def _feed_path(page: str) -> str:
    return re.search(r'id="feed-https" href="http://localhost(/calendar/[^"]+\.ics)"', page).group(
        1
    )


def test_my_week_offers_the_feed_as_webcal_and_https(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    secret = account_for(session=db_session, client_key=ANN).ical_secret

    page = web.get("/me/week").text

    assert f"webcal://localhost/calendar/{secret}.ics" in page
    assert f"http://localhost/calendar/{secret}.ics" in page
    assert "calendar.google.com" in page


def test_regenerating_the_secret_makes_the_old_feed_url_not_found(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    page = web.get("/me/week").text
    old = _feed_path(page)
    assert web.get(old).status_code == 200

    answer = web.post("/me/calendar/secret", data={"csrf_token": csrf_token(page)})

    assert answer.status_code == 302
    new = _feed_path(web.get("/me/week").text)
    assert new != old
    assert web.get(old).status_code == 404
    assert web.get(new).status_code == 200


def test_regenerating_the_secret_without_the_csrf_token_is_refused(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before = account_for(session=db_session, client_key=ANN).ical_secret

    answer = web.post("/me/calendar/secret")

    assert answer.status_code == 400
    db_session.expire_all()
    assert account_for(session=db_session, client_key=ANN).ical_secret == before


def test_regenerating_needs_a_signed_in_client(web, studio):
    answer = web.post("/me/calendar/secret")

    assert answer.status_code in (302, 400)
    assert web.get("/me/week").status_code == 302


# --- My preferences ----------------------------------------------------------------------------


def _client_row(db_session, key: str) -> models.Client:
    db_session.expire_all()
    return db_session.exec(select(models.Client).where(models.Client.key == key)).one()


def _wants(db_session, key: str) -> list[tuple[list[str], int]]:
    row = _client_row(db_session, key)
    wants = db_session.exec(select(models.Want).where(models.Want.client_id == row.id)).all()
    return sorted((w.class_types, w.per_week) for w in wants)


def _preferences_form(web) -> dict[str, str]:
    page = web.get("/me/preferences")
    assert page.status_code == 200
    return {"csrf_token": csrf_token(page.data)}


def test_preferences_page_shows_my_current_choices(web, studio, db_session):
    sign_in_as(web, db_session, ANN)

    page = web.get("/me/preferences").text

    assert 'value="stevenage" checked' in page or 'checked id="venues-1"' in page
    assert "APPI Mat" in page and "1-2-1 Reformer" in page


def test_saving_preferences_writes_them_to_my_record(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    form = _preferences_form(web)
    form.update(
        {
            "availability-0-day": "tue",
            "availability-0-start": "17:30",
            "availability-0-end": "21:00",
            "availability-1-day": "sat",
            "availability-1-start": "08:00",
            "availability-1-end": "12:00",
            "venues": ["hitchin"],
            "wants-0-class_types": ["reformer", "mat"],
            "wants-0-per_week": "2",
        }
    )

    answer = web.post("/me/preferences", data=form)

    assert answer.status_code == 302
    row = _client_row(db_session, ANN)
    tuesday, saturday = 1 * 1440, 5 * 1440
    assert sorted(row.availability) == [
        [tuesday + 17 * 60 + 30, tuesday + 21 * 60],
        [saturday + 8 * 60, saturday + 12 * 60],
    ]
    assert row.venues == ["hitchin"]
    assert _wants(db_session, ANN) == [(["reformer", "mat"], 2)]


def test_saved_preferences_reach_the_week_the_solver_reads(web, studio, db_session):
    from scheduler.store.weeks import load_stored_week

    sign_in_as(web, db_session, BEA)
    form = _preferences_form(web)
    form.update({"venues": ["stevenage"], "wants-0-class_types": ["mat"], "wants-0-per_week": "1"})

    assert web.post("/me/preferences", data=form).status_code == 302

    db_session.expire_all()
    bea = load_stored_week(session=db_session, week_start=studio.week_start).client_by_id[BEA]
    assert bea.venues == ("stevenage",)
    assert [(w.class_types, w.per_week) for w in bea.wants] == [(("mat",), 1)]


def _assert_nothing_written(db_session, before_row, before_wants) -> None:
    row = _client_row(db_session, ANN)
    assert row.availability == before_row.availability
    assert row.venues == before_row.venues
    assert _wants(db_session, ANN) == before_wants


def test_malformed_times_are_refused_per_field_and_nothing_written(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before_row, before_wants = _client_row(db_session, ANN), _wants(db_session, ANN)
    form = _preferences_form(web)
    form.update(
        {
            "availability-0-day": "tue",
            "availability-0-start": "25:99",
            "availability-0-end": "09:00",
            "availability-1-day": "wed",
            "availability-1-start": "18:00",
            "availability-1-end": "17:00",
            "venues": ["hitchin"],
            "wants-0-class_types": ["reformer"],
            "wants-0-per_week": "1",
        }
    )

    answer = web.post("/me/preferences", data=form)

    assert answer.status_code == 400
    assert "A time like 09:30." in answer.text
    assert "Must be after the start." in answer.text
    assert "Nothing was saved" in answer.text
    _assert_nothing_written(db_session, before_row, before_wants)


def test_no_venue_and_a_bad_number_are_refused_and_nothing_written(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before_row, before_wants = _client_row(db_session, ANN), _wants(db_session, ANN)
    form = _preferences_form(web)
    form.update({"wants-0-class_types": ["reformer"], "wants-0-per_week": "eight"})

    answer = web.post("/me/preferences", data=form)

    assert answer.status_code == 400
    assert "Choose at least one venue." in answer.text
    assert "Not a valid integer value." in answer.text
    _assert_nothing_written(db_session, before_row, before_wants)


def test_a_class_in_two_wishes_or_not_on_offer_is_refused(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before_row, before_wants = _client_row(db_session, ANN), _wants(db_session, ANN)
    form = _preferences_form(web)
    form.update(
        {
            "venues": ["hitchin", "atlantis"],
            "wants-0-class_types": ["reformer"],
            "wants-0-per_week": "1",
            "wants-1-class_types": ["reformer", "pole-dancing"],
            "wants-1-per_week": "1",
        }
    )

    answer = web.post("/me/preferences", data=form)

    assert answer.status_code == 400
    assert "Nothing was saved" in answer.text
    _assert_nothing_written(db_session, before_row, before_wants)


def test_a_want_without_classes_is_refused(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before_row, before_wants = _client_row(db_session, ANN), _wants(db_session, ANN)
    form = _preferences_form(web)
    form.update({"venues": ["hitchin"], "wants-0-per_week": "2"})

    answer = web.post("/me/preferences", data=form)

    assert answer.status_code == 400
    assert "Tick at least one class." in answer.text
    _assert_nothing_written(db_session, before_row, before_wants)


def test_saving_preferences_without_the_csrf_token_is_refused(web, studio, db_session):
    sign_in_as(web, db_session, ANN)
    before_row, before_wants = _client_row(db_session, ANN), _wants(db_session, ANN)

    answer = web.post(
        "/me/preferences",
        data={"venues": ["hitchin"], "wants-0-class_types": ["mat"], "wants-0-per_week": "1"},
    )

    assert answer.status_code == 400
    _assert_nothing_written(db_session, before_row, before_wants)


def test_preferences_need_a_signed_in_client(web, studio):
    assert web.get("/me/preferences").status_code == 302
    assert web.post("/me/preferences", data={"venues": ["hitchin"]}).status_code in (302, 400)


def test_preferences_are_saved_to_weeks_not_started_and_leave_past_weeks_alone(
    web, studio, db_session
):
    from tests.studio_seed import seed_studio

    past = seed_studio(db_session, week_start=studio.week_start - timedelta(days=28))
    sign_in_as(web, db_session, BEA)
    form = _preferences_form(web)
    form.update({"venues": ["stevenage"], "wants-0-class_types": ["mat"], "wants-0-per_week": "1"})

    assert web.post("/me/preferences", data=form).status_code == 302

    db_session.expire_all()
    venues = {
        week_start: row.venues
        for row, week_start in db_session.exec(
            select(models.Client, models.Week.week_start)
            .join(models.Week, models.Week.id == models.Client.week_id)
            .where(models.Client.key == BEA)
        ).all()
    }
    assert venues == {studio.week_start: ["stevenage"], past.week_start: ["hitchin"]}


def test_asking_for_links_too_often_is_throttled(database_url, engine, studio):
    http = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute").test_client()

    def ask() -> int:
        token = csrf_token(http.get("/me/sign-in").data)
        return http.post(
            "/me/sign-in", data={"email": EMAILS[ANN], "csrf_token": token}
        ).status_code

    assert [ask(), ask(), ask()] == [200, 200, 429]


# --- reformer client link -------------------------------------------------------------------


def test_client_link_command_prints_a_link_that_signs_the_client_in(runner, web, studio):
    from cli import cli

    result = runner.invoke(cli, ["client", "link", ANN], env={"SECRET_KEY": SECRET_KEY})

    assert result.exit_code == 0, result.output
    path = re.search(r"https?://[^/\s]+(/me/link/\S+)", result.stdout).group(1)
    page = web.get(path)
    assert web.post(path, data={"csrf_token": csrf_token(page.data)}).status_code == 302
    assert "Ann Archer" in web.get("/me/week").text


def test_client_link_command_refuses_an_unknown_client(runner, engine):
    from cli import cli

    result = runner.invoke(cli, ["client", "link", "nobody"], env={"SECRET_KEY": SECRET_KEY})

    assert result.exit_code == 1
    assert "no client 'nobody'" in result.output
