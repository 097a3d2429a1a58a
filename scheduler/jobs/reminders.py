"""The day-before reminders: each place of the week as it stands, e-mailed once a day ahead.

An APScheduler job, kept in the database job store beside the nightly one, fires
every quarter of an hour on the studio's clock. Each run looks at the classes of
the published weeks that start within the next day (`AHEAD`) and at every place
of their live plan (`bookings.life`): the plan's places not cancelled, make-ups,
drop-ins and intros. A client with no e-mail address gets no reminder.

Once per place, however many scheduler processes run: a run first claims each
place it is about to remind by inserting its `ReminderSent` row (unique per
week, class and client; a claim already there is left alone) and commits the
claims before any message goes. A second process, or a run overlapping the last,
finds the place claimed and sends nothing for it. Claims are inserted in one
order, so two processes claiming at once on PostgreSQL wait for each other rather
than deadlock.

A failed send: a message the mail server refused, or one not sent because the
server could not be reached, has its claim withdrawn after the sending, so the
next run (a quarter of an hour later) tries again while the class is still
ahead; a mail server down for a while delays reminders rather than losing them.
The price is that a message lost with the connection in the middle of its
sending, which the server may have taken, can rarely come twice. A process that
dies between committing its claims and sending leaves them claimed, and those
reminders are not sent: a claim cannot tell a dead sender from a slow one, and a
missed reminder costs less than a client reminded twice. Without `SMTP_HOST`
each reminder is logged instead, and counts as sent, so the log says it once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import and_, delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.bookings.mail import Letter, reminder_letter, send_letters
from scheduler.clients.mail import SmtpSettings
from scheduler.clients.week import monday_of
from scheduler.core import models
from scheduler.core.config import Settings, get_settings
from scheduler.core.db import get_engine

log = logging.getLogger(__name__)

#: The APScheduler job's id in the database job store.
JOB_ID = "day-before-reminders"
#: How often the job runs, in minutes of the hour.
EVERY_MINUTES = 15
#: How far ahead a class is reminded.
AHEAD = timedelta(days=1)

_CLAIMED = models.ReminderSent.__table__


def reminder_trigger(timezone: str = "Europe/London") -> CronTrigger:
    """Every quarter of an hour on the studio's clock."""
    return CronTrigger(minute=f"*/{EVERY_MINUTES}", timezone=ZoneInfo(timezone))


@dataclass(frozen=True, order=True)
class RemindedPlace:
    """One client's place in one class of one stored week: what a reminder is sent for."""

    week_id: int
    session: str
    client: str


@dataclass(frozen=True)
class RemindersOutcome:
    """What a run sent, what it could not send (its claims withdrawn, to try again), and how
    many places it found due but claimed by another run between its look and its claim."""

    sent: tuple[RemindedPlace, ...]
    unsent: tuple[RemindedPlace, ...]
    claimed_elsewhere: int
    message: str


def send_reminders(
    *, settings: Settings, now: datetime | None = None, ahead: timedelta = AHEAD
) -> RemindersOutcome:
    """E-mail the reminder of every place in a class starting within `ahead` of `now`,
    each place once: claimed in one commit, then sent; a claim not sent is withdrawn."""
    now = now or datetime.now(UTC)
    engine = get_engine(settings.database_url)
    with DbSession(engine, expire_on_commit=False) as session:
        claimed, elsewhere = _claim_due(session, now, ahead, settings.base_url)
        sent = _send(claimed, SmtpSettings.from_settings(settings))
        unsent = sorted(p for p, _ in claimed if p not in sent)
        _withdraw(session, unsent)
    outcome = RemindersOutcome(
        tuple(sorted(sent)), tuple(unsent), elsewhere, _words(len(sent), unsent, elsewhere)
    )
    log.info("%s", outcome.message)
    return outcome


def _words(sent: int, unsent: Sequence[RemindedPlace], elsewhere: int) -> str:
    if not (sent or unsent or elsewhere):
        return "no reminders due"
    said = f"{sent or 'no'} reminder{'' if sent == 1 else 's'} sent"
    if elsewhere:
        said += f"; {elsewhere} left to another run that claimed them first"
    if unsent:
        said += (
            f"; {len(unsent)} could not be sent and will be tried again in {EVERY_MINUTES} minutes"
        )
    return said


def _claim_due(
    session: DbSession, now: datetime, ahead: timedelta, base_url: str
) -> tuple[list[tuple[RemindedPlace, Letter]], int]:
    """Claim each place due a reminder and not claimed before, in one commit: the places
    claimed with their letters, and how many another run claimed first."""
    due: list[tuple[RemindedPlace, Letter]] = []
    for live in _live_weeks(session, now, ahead):
        already = set(
            session.exec(
                select(_CLAIMED.c.session, _CLAIMED.c.client).where(
                    _CLAIMED.c.week_id == live.row.id
                )
            ).all()
        )
        plan = live.now_plan
        for s in plan.sessions:
            if not now < live.starts_at(s) <= now + ahead:
                continue
            for a in plan.allocations:
                client = live.week.client_by_id.get(a.client)
                if a.session != s.id or client is None or not client.email:
                    continue
                if (s.id, a.client) in already:
                    continue
                letter = reminder_letter(live, s, a.reformer, a.client, base_url, now)
                due.append((RemindedPlace(live.row.id, s.id, a.client), letter))
    if not due:
        return [], 0
    due.sort(key=lambda pair: pair[0])
    claimed = [(p, letter) for p, letter in due if _claim(session, p, now)]
    session.commit()
    return claimed, len(due) - len(claimed)


def _live_weeks(session: DbSession, now: datetime, ahead: timedelta) -> list[LiveWeek]:
    """The published weeks a class starting within `ahead` of `now` may fall in."""
    first = monday_of((now - timedelta(days=1)).date())
    last = (now + ahead + timedelta(days=1)).date()
    mondays = session.exec(
        select(models.Week.week_start).where(
            col(models.Week.week_start) >= first, col(models.Week.week_start) <= last
        )
    ).all()
    weeks = [load_live_week(session=session, week_start=monday) for monday in mondays]
    return [live for live in weeks if live is not None]


def _claim(session: DbSession, place: RemindedPlace, now: datetime) -> bool:
    """Insert the place's claim; False when it was claimed already (by anyone, at any time)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_CLAIMED)
        .values(week_id=place.week_id, session=place.session, client=place.client, sent_at=now)
        .on_conflict_do_nothing(index_elements=["week_id", "session", "client"])
        .returning(_CLAIMED.c.id)
    )
    return session.execute(statement).first() is not None


def _send(
    claimed: list[tuple[RemindedPlace, Letter]], smtp: SmtpSettings | None
) -> set[RemindedPlace]:
    """Send the letters; the places whose letter went (all of them when only logged).

    `send_letters` names the clients it sent to, so each batch holds one letter a
    client: a client with two classes tomorrow has their second in a batch after.
    """
    if smtp is None:
        send_letters([letter for _, letter in claimed], smtp=None)
        return {p for p, _ in claimed}
    sent: set[RemindedPlace] = set()
    pending = claimed
    while pending:
        batch: dict[str, tuple[RemindedPlace, Letter]] = {}
        later: list[tuple[RemindedPlace, Letter]] = []
        for place, letter in pending:
            if letter.client in batch:
                later.append((place, letter))
            else:
                batch[letter.client] = (place, letter)
        went = set(send_letters([letter for _, letter in batch.values()], smtp=smtp))
        sent |= {p for p, letter in batch.values() if letter.client in went}
        pending = later
    return sent


def _withdraw(session: DbSession, places: Sequence[RemindedPlace]) -> None:
    """Withdraw the claims of reminders not sent, so the next run tries them again."""
    if not places:
        return
    session.execute(
        delete(_CLAIMED).where(
            or_(
                *(
                    and_(
                        _CLAIMED.c.week_id == p.week_id,
                        _CLAIMED.c.session == p.session,
                        _CLAIMED.c.client == p.client,
                    )
                    for p in places
                )
            )
        )
    )
    session.commit()


def scheduled_reminders() -> None:
    """The job APScheduler runs each quarter of an hour (referenced by name from the job store)."""
    send_reminders(settings=get_settings())
