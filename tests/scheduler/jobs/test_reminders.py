"""The day-before reminders: every place of the week as it stands, e-mailed once a day ahead,
however many scheduler processes run the job.

The week is `life_seed`'s, its clients with e-mail addresses: Tuesday 09:30's reformer
class holds c1, c2 and c3 on R1 to R3; Thursday 18:00's holds c4 on R1. c2 cancels
Tuesday and books a make-up on Thursday; c5 takes c2's Tuesday space as a drop-in; c7,
new, has an intro 1-2-1 on Tuesday at 08:00.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, event, insert
from sqlmodel import Session, select

from cli import cli
from scheduler.bookings.booking import book_space
from scheduler.bookings.cancel import cancel_place
from scheduler.core import models
from scheduler.core.config import get_settings
from scheduler.jobs.reminders import send_reminders
from scheduler.store.weeks import week_row
from tests import builders as b
from tests.scheduler.bookings.life_seed import (
    NOW,
    THURSDAY,
    TUESDAY,
    WEEK_START,
    checked_live,
    life_plan,
    life_week,
)
from tests.smtp_sink import Received, SmtpSink, running_sink
from tests.stored import publish

BASE_URL = "https://classes.example.com"
MY_WEEK = f"{BASE_URL}/me/week?week={WEEK_START}"
INTRO = "intro-c7"
#: The Monday before, 10:00 (London is on UTC in December): Tuesday's classes are a day ahead.
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
#: The Wednesday, 18:00: Thursday's class is a day ahead.
WEDNESDAY_18 = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)
#: Who is reminded of Tuesday on Monday, and on which reformer.
TUESDAY_PLACES = {"c1": "R1", "c3": "R3", "c5": "R2", "c7": "R1"}


def _publish_lived_week(db: Session) -> None:
    """The week published, then lived: a cancellation, a make-up, a drop-in and an intro."""
    the_week = life_week(c2={"max_per_day": 2})
    new_client = b.client(
        "c7", name="Client 7", needs_intro=True, wants=[b.want("121-reformer"), b.want()]
    )
    clients = [replace(c, email=f"{c.id}@example.org") for c in (*the_week.clients, new_client)]
    publish(db, replace(the_week, clients=tuple(clients)), life_plan())
    db.add(models.StudioPolicy(drop_ins=True))
    db.commit()
    cancel_place(session=db, client_key="c2", session_key=TUESDAY.id, now=NOW)
    book_space(session=db, client_key="c2", session_key=THURSDAY.id, now=NOW)
    book_space(session=db, client_key="c5", session_key=TUESDAY.id, now=NOW)
    week_id = week_row(session=db, week_start=WEEK_START).id
    db.add(
        models.Booking(
            week_id=week_id,
            session=INTRO,
            client="c7",
            kind="intro",
            reformer="R1",
            class_type="121-reformer",
            room="hitchin-studio",
            start=b.at("tue", "08:00"),
            instructor="jo",
            created_at=NOW,
        )
    )
    db.commit()
    checked_live(db)


def _settings(database_url: str, sink: SmtpSink | None = None, port: int | None = None):
    env = {"DATABASE_URL": database_url, "BASE_URL": BASE_URL}
    if sink is not None or port is not None:
        env |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port or sink.port)}
    return get_settings(env)


def _to(received: list[Received]) -> list[str]:
    return sorted(r.recipients[0] for r in received)


def _body(received: list[Received], client: str) -> str:
    [message] = [r.message for r in received if r.recipients == [f"{client}@example.org"]]
    return message.get_content().replace("\r\n", "\n")


def _claims(db: Session) -> set[tuple[str, str]]:
    db.expire_all()
    return {(r.session, r.client) for r in db.exec(select(models.ReminderSent)).all()}


def test_each_place_of_tomorrows_classes_is_reminded_with_its_reformer_and_my_week(
    database_url, db_session
):
    _publish_lived_week(db_session)

    with running_sink() as sink:
        outcome = send_reminders(settings=_settings(database_url, sink), now=MONDAY_10)

    assert _to(sink.received) == [f"{c}@example.org" for c in sorted(TUESDAY_PLACES)]
    for client, reformer in TUESDAY_PLACES.items():
        body = _body(sink.received, client)
        assert f"Your reformer: {reformer}" in body
        assert f"cancel it from My week: {MY_WEEK}" in body
    assert _body(sink.received, "c1") == (
        "Dear Client 1,\n\nA reminder of your class tomorrow:\n\n"
        "  reformer, Tuesday 8 December at 09:30 to 10:20\n"
        "  Hitchin, Studio, with Jo\n"
        "  Your reformer: R1\n\n"
        f"If you cannot come, cancel it from My week: {MY_WEEK}\n"
    )
    [intro] = [r.message for r in sink.received if r.recipients == ["c7@example.org"]]
    assert intro["Subject"] == "Tomorrow: Tue 08:00 121-reformer at Hitchin"
    assert "121-reformer, Tuesday 8 December at 08:00 to 08:50" in intro.get_content()
    assert outcome.message == "4 reminders sent"
    assert _claims(db_session) == {(TUESDAY.id, c) for c in ("c1", "c3", "c5")} | {(INTRO, "c7")}


def test_a_cancelled_place_gets_no_reminder_and_its_make_up_gets_one_a_day_ahead(
    database_url, db_session
):
    _publish_lived_week(db_session)
    with running_sink() as sink:
        send_reminders(settings=_settings(database_url, sink), now=MONDAY_10)
        on_monday = _to(sink.received)
        send_reminders(settings=_settings(database_url, sink), now=WEDNESDAY_18)

    assert "c2@example.org" not in on_monday
    thursday = [
        r for r in sink.received if r.message["Subject"].endswith("Thu 18:00 reformer at Hitchin")
    ]
    assert _to(thursday) == ["c2@example.org", "c4@example.org"]
    assert "Your reformer: R2" in _body(thursday, "c2")


def test_a_place_already_reminded_is_not_reminded_again_and_later_classes_wait(
    database_url, db_session
):
    _publish_lived_week(db_session)
    with running_sink() as sink:
        first = send_reminders(settings=_settings(database_url, sink), now=MONDAY_10)
        again = send_reminders(
            settings=_settings(database_url, sink), now=MONDAY_10 + timedelta(minutes=15)
        )
        too_early = send_reminders(
            settings=_settings(database_url, sink), now=datetime(2026, 12, 9, 17, 45, tzinfo=UTC)
        )

    assert len(first.sent) == 4
    assert (again.sent, again.message) == ((), "no reminders due")
    assert too_early.sent == ()  # Thursday 18:00 is a quarter of an hour more than a day away
    assert len(sink.received) == 4


def test_a_class_that_has_started_is_not_reminded(database_url, db_session):
    _publish_lived_week(db_session)

    with running_sink() as sink:
        outcome = send_reminders(
            settings=_settings(database_url, sink), now=datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
        )

    # Tuesday 09:30 is starting and the intro is over; Thursday is more than a day away.
    assert (outcome.sent, sink.received) == ((), [])


def test_a_client_with_two_classes_ahead_gets_a_reminder_for_each(database_url, db_session):
    _publish_lived_week(db_session)
    book_space(session=db_session, client_key="c1", session_key=THURSDAY.id, now=NOW)

    with running_sink() as sink:
        send_reminders(
            settings=_settings(database_url, sink), now=MONDAY_10, ahead=timedelta(days=4)
        )

    subjects = sorted(
        r.message["Subject"] for r in sink.received if r.recipients == ["c1@example.org"]
    )
    assert subjects == [
        "On Thursday: Thu 18:00 reformer at Hitchin",
        "Tomorrow: Tue 09:30 reformer at Hitchin",
    ]
    assert len(sink.received) == 7  # Tuesday's four places, Thursday's three (c1, c2, c4)
    assert len(_claims(db_session)) == 7


def test_a_place_another_run_claims_between_the_look_and_the_claim_is_left_to_it(
    database_url, engine, db_session
):
    _publish_lived_week(db_session)
    week_id = week_row(session=db_session, week_start=WEEK_START).id
    other_process = create_engine(database_url)
    claims = models.ReminderSent.__table__
    cut_in = []

    def claim_c1_first(_connection, _cursor, statement, *_args) -> None:
        """Just before this run's first claim, another run claims c1's Tuesday and commits."""
        if cut_in or not statement.lstrip().startswith("INSERT INTO reminder_sent"):
            return
        cut_in.append(statement)
        with other_process.begin() as connection:
            connection.execute(
                insert(claims).values(
                    week_id=week_id, session=TUESDAY.id, client="c1", sent_at=MONDAY_10
                )
            )

    event.listen(engine, "before_cursor_execute", claim_c1_first)
    try:
        with running_sink() as sink:
            outcome = send_reminders(settings=_settings(database_url, sink), now=MONDAY_10)
    finally:
        event.remove(engine, "before_cursor_execute", claim_c1_first)
        other_process.dispose()

    assert cut_in
    assert _to(sink.received) == ["c3@example.org", "c5@example.org", "c7@example.org"]
    assert outcome.claimed_elsewhere == 1
    assert outcome.message == "3 reminders sent; 1 left to another run that claimed them first"
    assert len(_claims(db_session)) == 4


def _closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_reminders_the_mail_server_could_not_take_are_sent_at_the_next_run(
    database_url, db_session
):
    _publish_lived_week(db_session)

    down = send_reminders(settings=_settings(database_url, port=_closed_port()), now=MONDAY_10)
    with running_sink() as sink:
        back = send_reminders(
            settings=_settings(database_url, sink), now=MONDAY_10 + timedelta(minutes=15)
        )

    assert down.sent == () and len(down.unsent) == 4
    assert (
        down.message
        == "no reminders sent; 4 could not be sent and will be tried again in 15 minutes"
    )
    assert len(back.sent) == 4
    assert _to(sink.received) == [f"{c}@example.org" for c in sorted(TUESDAY_PLACES)]
    assert len(_claims(db_session)) == 4


def test_without_a_mail_server_each_reminder_is_logged_once(database_url, db_session, caplog):
    _publish_lived_week(db_session)

    with caplog.at_level("WARNING", logger="scheduler.bookings.mail"):
        first = send_reminders(settings=_settings(database_url), now=MONDAY_10)
        again = send_reminders(settings=_settings(database_url), now=MONDAY_10)

    logged = [r.getMessage() for r in caplog.records if "no SMTP_HOST" in r.getMessage()]
    assert len(logged) == 4 and any(MY_WEEK in line for line in logged)
    assert (len(first.sent), again.sent) == (4, ())


def test_a_client_without_an_email_address_gets_no_reminder_and_no_claim(database_url, db_session):
    _publish_lived_week(db_session)
    db_session.exec(select(models.Client).where(models.Client.key == "c3")).one().email = None
    db_session.commit()

    with running_sink() as sink:
        send_reminders(settings=_settings(database_url, sink), now=MONDAY_10)

    assert "c3@example.org" not in _to(sink.received)
    assert (TUESDAY.id, "c3") not in _claims(db_session)


def test_reformer_reminders_sends_what_is_due_at_the_time_given(database_url, db_session):
    _publish_lived_week(db_session)

    with running_sink() as sink:
        env = {"DATABASE_URL": database_url, "BASE_URL": BASE_URL}
        env |= {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port)}
        done = CliRunner(env=env).invoke(cli, ["reminders", "--at", "2026-12-07 10:00"])

    assert (done.exit_code, done.output) == (0, "4 reminders sent\n")
    assert len(sink.received) == 4


# --- Several scheduler processes run the job for the same quarter hour -------------------------

# Import the job first, then wait for the agreed moment: the processes claim together.
_STARTER = """
import sys, time
from cli import cli
import scheduler.jobs.reminders
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
sys.argv = ["reformer", *sys.argv[2:]]
cli()
"""
PROCESSES = 3


def _reminders_process(database_url: str, sink: SmtpSink, start_at: float) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "BASE_URL": BASE_URL}
    env |= {"SMTP_HOST": sink.host, "SMTP_PORT": str(sink.port), "REFORMER_ENV": "development"}
    return subprocess.Popen(
        [sys.executable, "-c", _STARTER, str(start_at), "reminders", "--at", "2026-12-07 10:00"],
        env=env,
        cwd=b.REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_processes_running_the_job_at_once_send_each_reminder_exactly_once(
    database_url, db_session
):
    _publish_lived_week(db_session)

    with running_sink() as sink:
        start_at = time.time() + 6  # after every process has imported the job
        processes = [_reminders_process(database_url, sink, start_at) for _ in range(PROCESSES)]
        outputs = [p.communicate(timeout=120)[0] for p in processes]

    assert [p.returncode for p in processes] == [0] * PROCESSES, outputs
    assert _to(sink.received) == [f"{c}@example.org" for c in sorted(TUESDAY_PLACES)]
    for client, reformer in TUESDAY_PLACES.items():
        body = _body(sink.received, client)
        assert f"Your reformer: {reformer}" in body and MY_WEEK in body
    # Each process says last what it sent ("no reminders due", "no reminders sent; 4 left
    # to another run that claimed them first", "4 reminders sent"): every place once.
    said = [o.splitlines()[-1].split()[0] for o in outputs]
    assert sum(int(n) for n in said if n != "no") == 4, outputs
    assert len(_claims(db_session)) == 4
