"""Sign-ins kept on the server: a signed-in browser holds a random token naming a `SignIn` row.

Signing out, a password change and "sign out everywhere" end rows, so a copied
cookie stops working at once; a row also ends `SIGN_IN_LIFETIME` after it began.
Services open a sign-in inside their own transaction (`open_sign_in` only adds it).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler.core.models import ClientAccount, SignIn, utcnow

SIGN_IN_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class SignedInAs:
    """Who a live sign-in is: `kind` `owner` (key: the instructor's id) or `client` (their id)."""

    kind: str
    key: str
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_sign_in(
    *,
    session: Session,
    instructor_id: int | None = None,
    client_account_id: int | None = None,
    now: datetime | None = None,
) -> str:
    """Add (the caller commits) a sign-in for an instructor or a client; returns its token."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(
        SignIn(
            token_hash=_hash(token),
            instructor_id=instructor_id,
            client_account_id=client_account_id,
            created_at=now,
            expires_at=now + SIGN_IN_LIFETIME,
        )
    )
    return token


def _live(session: Session, token: str, now: datetime | None = None) -> SignIn | None:
    row = session.exec(select(SignIn).where(SignIn.token_hash == _hash(token))).first()
    if row is None or row.ended_at is not None or (now or utcnow()) >= row.expires_at:
        return None
    return row


def signed_in_as(*, session: Session, token: str, now: datetime | None = None) -> SignedInAs | None:
    """Who `token` signs in, if its sign-in has neither ended nor expired."""
    row = _live(session, token, now)
    if row is None:
        return None
    if row.instructor_id is not None:
        return SignedInAs("owner", str(row.instructor_id), token)
    account = session.get(ClientAccount, row.client_account_id)
    return SignedInAs("client", account.key, token) if account else None


def end_sign_in(*, session: Session, token: str) -> None:
    """Sign one browser out: its token signs nobody in again."""
    session.execute(
        update(SignIn)
        .where(col(SignIn.token_hash) == _hash(token), col(SignIn.ended_at).is_(None))
        .values(ended_at=utcnow())
    )
    session.commit()


def end_every_sign_in(*, session: Session, token: str) -> int:
    """Sign out everywhere: end every sign-in of the person `token` signs in; how many ended."""
    row = _live(session, token)
    if row is None:
        return 0
    ended = end_sign_ins_of(
        session=session, instructor_id=row.instructor_id, client_account_id=row.client_account_id
    )
    session.commit()
    return ended


def end_sign_ins_of(
    *, session: Session, instructor_id: int | None = None, client_account_id: int | None = None
) -> int:
    """End (the caller commits) every live sign-in of one instructor or client; how many."""
    owner = (
        col(SignIn.instructor_id) == instructor_id
        if instructor_id is not None
        else col(SignIn.client_account_id) == client_account_id
    )
    result = session.execute(
        update(SignIn).where(owner, col(SignIn.ended_at).is_(None)).values(ended_at=utcnow())
    )
    return result.rowcount
