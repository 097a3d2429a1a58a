"""How a client gets in: one-time sign-in links by e-mail, and the secret of their calendar feed.

A sign-in link carries a token signed with `SECRET_KEY` (itsdangerous) that
names a stored `LoginToken` by its `jti`. The link works once (`used_at`) and
only until it expires (`expires_at`, checked against the stored time and the
signature's own timestamp), so a link forwarded or found in an old e-mail
signs nobody in.

Clients are rows of a week; the person behind them, across weeks, is their id
(`key`) and their `ClientAccount`, created on first need.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from scheduler.clients.mail import SmtpSettings
from scheduler.core.models import Client, ClientAccount, LoginToken, Week, utcnow
from scheduler.core.sign_ins import SignedInAs, open_sign_in

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=30)
_SALT = "client-sign-in"


class LinkError(ValueError):
    """A sign-in link that cannot sign anyone in; `reason` is `invalid`, `expired` or `used`."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class SignInLink:
    """A freshly issued link and when it stops working."""

    url: str
    expires_at: datetime


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def latest_client(*, session: Session, client_key: str) -> Client | None:
    """The client's row in the latest week they appear in (their current details)."""
    statement = (
        select(Client)
        .join(Week, col(Week.id) == Client.week_id)
        .where(Client.key == client_key)
        .order_by(col(Week.week_start).desc())
    )
    return session.exec(statement).first()


def client_by_email(*, session: Session, email: str) -> Client | None:
    """The active client with this e-mail address (any case) in the latest week that has one."""
    address = email.strip().lower()
    if not address:
        return None
    statement = (
        select(Client)
        .join(Week, col(Week.id) == Client.week_id)
        .where(func.lower(Client.email) == address, col(Client.active).is_(True))
        .order_by(col(Week.week_start).desc(), Client.key)
    )
    return session.exec(statement).first()


def account_for(*, session: Session, client_key: str) -> ClientAccount:
    """The client's account, made (with a fresh calendar secret) the first time it is needed."""
    account = session.exec(select(ClientAccount).where(ClientAccount.key == client_key)).first()
    if account is None:
        account = ClientAccount(key=client_key, ical_secret=new_ical_secret())
        session.add(account)
        session.commit()
        session.refresh(account)
    return account


def new_ical_secret() -> str:
    """An unguessable secret for a calendar feed URL (192 random bits)."""
    return secrets.token_urlsafe(24)


def regenerate_ical_secret(*, session: Session, client_key: str) -> str:
    """Give the client a new calendar secret; the old feed URL stops working at once."""
    account = account_for(session=session, client_key=client_key)
    account.ical_secret = new_ical_secret()
    session.add(account)
    session.commit()
    return account.ical_secret


def client_for_ical_secret(*, session: Session, secret: str) -> str | None:
    """The client id whose calendar feed has this secret, if any."""
    account = session.exec(select(ClientAccount).where(ClientAccount.ical_secret == secret)).first()
    return account.key if account else None


def issue_sign_in_link(
    *,
    session: Session,
    client_key: str,
    secret_key: str,
    base_url: str,
    now: datetime | None = None,
) -> SignInLink:
    """A one-time link that signs the client in, valid for `LINK_LIFETIME` from `now`."""
    if latest_client(session=session, client_key=client_key) is None:
        raise LookupError(f"no client {client_key!r}")
    now = now or utcnow()
    account = account_for(session=session, client_key=client_key)
    token = LoginToken(
        jti=secrets.token_urlsafe(16),
        account_id=account.id,
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    session.add(token)
    session.commit()
    signed = _serializer(secret_key).dumps({"jti": token.jti})
    return SignInLink(f"{base_url.rstrip('/')}/me/link/{signed}", token.expires_at)


def check_sign_in_token(
    *, session: Session, token: str, secret_key: str, now: datetime | None = None
) -> LoginToken:
    """The stored token a link names, if it can still sign someone in; else `LinkError`."""
    try:
        payload = _serializer(secret_key).loads(token, max_age=int(LINK_LIFETIME.total_seconds()))
    except SignatureExpired as exc:
        raise LinkError("expired", "This sign-in link has expired.") from exc
    except BadSignature as exc:
        raise LinkError("invalid", "This is not a sign-in link we sent.") from exc
    jti = payload.get("jti") if isinstance(payload, dict) else None
    stored = session.exec(select(LoginToken).where(LoginToken.jti == jti)).first() if jti else None
    if stored is None:
        raise LinkError("invalid", "This is not a sign-in link we sent.")
    if stored.used_at is not None:
        raise LinkError("used", "This sign-in link has already been used.")
    if (now or utcnow()) >= stored.expires_at:
        raise LinkError("expired", "This sign-in link has expired.")
    return stored


def redeem_sign_in_token(
    *, session: Session, token: str, secret_key: str, now: datetime | None = None
) -> SignedInAs:
    """Use a sign-in link once: mark it used and sign in the client it names.

    Marking it used is one conditional UPDATE, so of two requests at once only
    the one whose UPDATE finds the link still unused signs anyone in.
    """
    now = now or utcnow()
    stored = check_sign_in_token(session=session, token=token, secret_key=secret_key, now=now)
    claimed = session.execute(
        update(LoginToken)
        .where(col(LoginToken.id) == stored.id, col(LoginToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise LinkError("used", "This sign-in link has already been used.")
    account = session.get(ClientAccount, stored.account_id)
    account.last_sign_in_at = now
    session.add(account)
    signed_in = open_sign_in(session=session, client_account_id=account.id, now=now)
    session.commit()
    return SignedInAs("client", account.key, signed_in)


def send_sign_in_link(
    *,
    session: Session,
    email: str,
    secret_key: str,
    base_url: str,
    smtp: SmtpSettings | None,
    development: bool = False,
    studio_name: str = "Reformer studio",
) -> bool:
    """E-mail a sign-in link to the client with this address; True if there was one.

    Without SMTP settings the link is logged instead of sent in development, and
    not at all elsewhere (a log is no place for a working key). The caller answers
    the same whatever this returns, so nobody learns who is a client.
    """
    client = client_by_email(session=session, email=email)
    if client is None:
        log.info("sign-in link asked for an address that is no client's")
        return False
    link = issue_sign_in_link(
        session=session, client_key=client.key, secret_key=secret_key, base_url=base_url
    )
    if smtp is None:
        if development:
            log.warning("development, no SMTP: sign-in link for %s: %s", client.key, link.url)
        else:
            log.error("no SMTP host set: cannot send client %s their sign-in link", client.key)
        return True
    message = compose_sign_in(
        name=client.name,
        to=client.email or email,
        link=link,
        sender=smtp.sender,
        studio=studio_name,
    )
    with smtp.connect() as connection:
        connection.send_message(message)
    log.info("e-mailed a sign-in link to client %s", client.key)
    return True


def compose_sign_in(
    *, name: str, to: str, link: SignInLink, sender: str, studio: str
) -> EmailMessage:
    """The e-mail that carries a sign-in link."""
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Your sign-in link for {studio}"
    message.set_content(
        "\n".join(
            [
                f"Dear {name},",
                "",
                "Open this link to see your classes and preferences:",
                "",
                link.url,
                "",
                f"It works once, within {minutes} minutes. If you did not ask for it,",
                "you can ignore this e-mail: nobody can sign in without it.",
            ]
        )
        + "\n"
    )
    return message
