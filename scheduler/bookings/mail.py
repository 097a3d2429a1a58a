"""E-mails of the week's life: a freed space given to a waiting client, the day-before reminder.

Each message names the class as the studio does (class, day and time, venue and
room, instructor, reformer) and links to My week, where the client can cancel.
Sent after the commit that made the place, over the project's SMTP settings; with
none, the message is logged instead, so nothing fails for want of a mail server.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlmodel import Session as DbSession

from scheduler.bookings.life import LiveWeek, load_live_week
from scheduler.bookings.waitlist import Placed
from scheduler.clients.mail import SmtpSettings
from scheduler.core.names import room_label, week_names
from solver.domain import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """One e-mail to one client."""

    client: str
    to: str | None
    subject: str
    body: str


def class_lines(live: LiveWeek, s: Session, reformer: str | None) -> list[str]:
    """The class in the studio's words, a line each: what and when, where and with whom."""
    names = week_names(live.week)
    starts, ends = live.starts_at(s), live.starts_at(s) + timedelta(minutes=s.end - s.start)
    lines = [
        f"{names.class_type(s.class_type)}, {starts:%A %-d %B} at {starts:%H:%M} to {ends:%H:%M}",
        f"{names.venue(s.venue)}, {room_label(s.room, s.venue)},"
        f" with {names.instructor(s.instructor)}",
    ]
    if reformer:
        lines.append(f"Your reformer: {reformer}")
    return lines


def my_week_link(base_url: str, live: LiveWeek) -> str:
    """The address of My week for the week, where a place can be cancelled."""
    return f"{base_url.rstrip('/')}/me/week?week={live.row.week_start.isoformat()}"


def placed_letter(live: LiveWeek, placed: Placed, base_url: str) -> Letter:
    """The message telling a waiting client that a freed space is theirs."""
    client = live.week.client_by_id[placed.client]
    s = next(x for x in live.now_plan.sessions if x.id == placed.booking.session)
    paid = (
        "Your make-up credit pays for it."
        if placed.booking.credit_id
        else "It is booked as a drop-in."
    )
    body = [
        f"Dear {client.name},",
        "",
        "A space came free in a class you were waiting for, and it is yours:",
        "",
        *(f"  {line}" for line in class_lines(live, s, placed.booking.reformer)),
        "",
        paid,
        f"If you can no longer come, cancel it from My week: {my_week_link(base_url, live)}",
    ]
    subject = f"A space for you: {week_names(live.week).session(s)}"
    return Letter(placed.client, client.email, subject, "\n".join(body) + "\n")


def reminder_letter(
    live: LiveWeek, s: Session, reformer: str | None, client_key: str, base_url: str, now: datetime
) -> Letter:
    """The day-before reminder of one place: the class, and where to cancel it."""
    client = live.week.client_by_id[client_key]
    when = _day_word(live.starts_at(s), now)
    body = [
        f"Dear {client.name},",
        "",
        f"A reminder of your class {when}:",
        "",
        *(f"  {line}" for line in class_lines(live, s, reformer)),
        "",
        f"If you cannot come, cancel it from My week: {my_week_link(base_url, live)}",
    ]
    subject = f"{when[0].upper()}{when[1:]}: {week_names(live.week).session(s)}"
    return Letter(client_key, client.email, subject, "\n".join(body) + "\n")


def _day_word(starts: datetime, now: datetime) -> str:
    """ "today", "tomorrow" or "on Friday", as the class's own clock has it at `now`."""
    days = (starts.date() - now.astimezone(starts.tzinfo).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, f"on {starts:%A}")


def tell_placed(
    *, session: DbSession, placed: Sequence[Placed], smtp: SmtpSettings | None, base_url: str
) -> list[str]:
    """E-mail each client given a freed space; returns the clients e-mailed."""
    if not placed:
        return []
    live = load_live_week(session=session, week_start=placed[0].week_start)
    return send_letters([placed_letter(live, p, base_url) for p in placed], smtp=smtp)


def send_letters(letters: Iterable[Letter], *, smtp: SmtpSettings | None) -> list[str]:
    """Send each letter with an address, over one connection; returns the clients sent to.

    Without SMTP settings each letter is logged instead. A failed recipient or an
    unreachable server is logged, not raised: the place stands either way.
    """
    letters = [x for x in letters if x.to]
    if smtp is None:
        for x in letters:
            log.warning(
                "no SMTP_HOST: e-mail to %s <%s>: %s\n%s", x.client, x.to, x.subject, x.body
            )
        return []
    sent: list[str] = []
    try:
        with smtp.connect() as connection:
            for x in letters:
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = smtp.sender, x.to, x.subject
                message.set_content(x.body)
                try:
                    connection.send_message(message)
                except smtplib.SMTPException:
                    log.exception("could not e-mail client %s at %s", x.client, x.to)
                    continue
                sent.append(x.client)
    except OSError:
        log.exception("could not reach the mail server %s:%d", smtp.host, smtp.port)
    return sent
