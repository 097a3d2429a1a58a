"""E-mails to clients whose places changed: one message each, listing what changed.

`changes_between` compares two plans of one week client by client; `send_changes`
sends the messages over SMTP with `smtplib`, one connection for the whole batch.
SMTP settings come from the environment through `scheduler.core.config`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

from scheduler.core.changes import PlaceChange, diff_plans
from scheduler.core.config import Settings, get_settings
from scheduler.core.names import plural
from solver.domain import DAYS, MINUTES_PER_DAY, Plan, Session, Week

log = logging.getLogger(__name__)

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ClientChanges:
    """What changed for one client between two plans of a week, in sentences."""

    client: str
    name: str
    email: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send mail."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "studio@localhost"
    starttls: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings | None:
        """The SMTP part of the project's settings; None when no `SMTP_HOST` is set."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            starttls=settings.smtp_starttls,
        )

    @classmethod
    def from_app_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """From a web app's config when it names an `SMTP_HOST`, else from the environment."""
        if not config.get("SMTP_HOST"):
            return cls.from_settings(get_settings())
        return cls(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT") or 25),
            user=config.get("SMTP_USER"),
            password=config.get("SMTP_PASSWORD"),
            sender=config.get("SMTP_FROM") or cls.sender,
            starttls=bool(config.get("SMTP_STARTTLS")),
        )

    @contextmanager
    def connect(self) -> Iterator[smtplib.SMTP]:
        """An open connection to the server: STARTTLS and a login where the settings ask."""
        with smtplib.SMTP(self.host, self.port, timeout=30) as connection:
            if self.starttls:
                connection.starttls()
            if self.user:
                connection.login(self.user, self.password or "")
            yield connection


def changes_between(week: Week, before: Plan | None, after: Plan) -> list[ClientChanges]:
    """Each client of the week whose places differ between `before` and `after`, in sentences.

    What counts as a change is `scheduler.changes.diff_plans`: a client moved to
    another machine in the same class is told so, and so is one whose class changed
    time, room or instructor, even where the session kept its id.
    """
    diff = diff_plans(before, after)
    names = {ct.id: ct.name for ct in week.class_types}
    venues = {v.id: v.name for v in week.venues}
    instructors = {i.id: i.name for i in week.instructors}

    def describe(session: Session) -> str:
        return (
            f"{_when(session.start)} {names.get(session.class_type, session.class_type)}"
            f" at {venues.get(session.venue, session.venue)}"
            f" with {instructors.get(session.instructor, session.instructor)}"
        )

    def sentences(change: PlaceChange) -> Iterator[tuple[int, str]]:
        was, now = change.was, change.now
        if now is None:
            yield was.session.start, f"No longer booked: {describe(was.session)}"
        elif was is None or not change.same_class:
            if was is not None:
                yield was.session.start, f"No longer booked: {describe(was.session)}"
            yield (
                now.session.start,
                f"New place: {describe(now.session)}{_on_reformer(now.reformer)}",
            )
        elif change.what == ("reformer",):
            yield (
                now.session.start,
                f"Same class, another reformer: {describe(now.session)},"
                f" now reformer {now.reformer} (was {was.reformer})",
            )
        else:
            yield (
                now.session.start,
                f"Your class has changed: {describe(was.session)} is now"
                f" {describe(now.session)}{_on_reformer(now.reformer)}",
            )

    changed = []
    for client in sorted(week.clients, key=lambda c: c.id):
        lines = sorted(
            (line for change in diff.of(client.id) for line in sentences(change)),
            key=lambda line: line[0],
        )
        if lines:
            changed.append(
                ClientChanges(client.id, client.name, client.email, tuple(t for _, t in lines))
            )
    return changed


def _when(minute: int) -> str:
    day, in_day = divmod(minute, MINUTES_PER_DAY)
    return f"{DAY_NAMES[day]} {in_day // 60:02d}:{in_day % 60:02d}"


def _on_reformer(reformer: str | None) -> str:
    return f", reformer {reformer}" if reformer else ""


def compose(changes: ClientChanges, *, week_start: str, sender: str) -> EmailMessage:
    """The message telling one client what changed in the week starting `week_start`."""
    monday = date.fromisoformat(week_start)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = changes.email or ""
    message["Subject"] = f"Your classes for the week of {monday:%-d %B %Y} have changed"
    body = [
        f"Dear {changes.name},",
        "",
        f"Your places for the week of Monday {monday:%-d %B} to Sunday"
        f" {monday + timedelta(days=len(DAYS) - 1):%-d %B %Y} have changed:",
        "",
        *(f"- {line}" for line in changes.lines),
        "",
        "Every other place of yours stands as it was.",
    ]
    message.set_content("\n".join(body) + "\n")
    return message


def send_changes(
    changes: Sequence[ClientChanges], *, week_start: str, smtp: SmtpSettings
) -> list[str]:
    """Send each client with an e-mail address one message; return the clients mailed.

    Clients without an address are logged and skipped. One failed recipient does
    not stop the others.
    """
    mailed: list[str] = []
    to_send = [c for c in changes if c.email]
    for c in changes:
        if not c.email:
            log.warning("client %s has no e-mail address: not told of the changes", c.client)
    if not to_send:
        return mailed
    with smtp.connect() as connection:
        for c in to_send:
            try:
                connection.send_message(compose(c, week_start=week_start, sender=smtp.sender))
            except smtplib.SMTPException:
                log.exception("could not e-mail client %s at %s", c.client, c.email)
                continue
            mailed.append(c.client)
    log.info("e-mailed %s about changed places", plural(len(mailed), "client"))
    return mailed


def tell_clients(
    changes: Sequence[ClientChanges],
    *,
    week_start: str,
    smtp: SmtpSettings | None,
    development: bool = False,
) -> list[str]:
    """Tell each changed client by e-mail, as the nightly job and a publish both do.

    Without an SMTP host nothing is sent: in development each message is logged
    instead (so the studio can read it), elsewhere a warning says who was not told.
    An unreachable mail server is logged, not raised: the plan is published either
    way. Returns the clients e-mailed.
    """
    if not changes:
        return []
    if smtp is None:
        if development:
            for c in changes:
                message = compose(c, week_start=week_start, sender="studio@localhost")
                log.warning(
                    "development, no SMTP: e-mail to %s <%s>:\n%s",
                    c.client,
                    c.email or "no address",
                    message.get_content(),
                )
        else:
            log.warning(
                "no SMTP_HOST set: %s with changed places not e-mailed",
                plural(len(changes), "client"),
            )
        return []
    try:
        return send_changes(changes, week_start=week_start, smtp=smtp)
    except OSError:
        log.exception("could not reach the mail server %s:%d", smtp.host, smtp.port)
        return []
