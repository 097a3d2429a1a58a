"""Instructor accounts: creating one, changing and checking its password (stored hashed)."""

from __future__ import annotations

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.core.models import InstructorLogin, utcnow
from scheduler.core.sign_ins import SignedInAs, end_sign_ins_of, open_sign_in

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """An account that cannot be created as asked."""


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def add_instructor_login(
    *,
    session: Session,
    email: str,
    password: str,
    name: str | None = None,
    is_owner: bool = True,
) -> InstructorLogin:
    """Create an instructor's sign-in; refuses a taken e-mail or a short password.

    The owner's sign-in opens every page; another instructor's (`is_owner` false)
    only the registers of the classes they teach, found by their e-mail in the week.
    """
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"{email!r} is not an e-mail address")
    _check_password(password)
    if find_by_email(session=session, email=email) is not None:
        raise AccountError(f"{email} already has a sign-in")
    account = InstructorLogin(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        is_owner=is_owner,
    )
    session.add(account)
    session.commit()
    session.refresh(account)
    return account


def set_password(*, session: Session, account: InstructorLogin, password: str) -> int:
    """Give an existing sign-in a new password, signing them out everywhere; how many ended."""
    _check_password(password)
    account.password_hash = generate_password_hash(password)
    session.add(account)
    ended = end_sign_ins_of(session=session, instructor_id=account.id)
    session.commit()
    return ended


def change_password(*, session: Session, email: str, password: str) -> int:
    """Set the password of the instructor who signs in as `email`; how many sign-ins ended."""
    account = find_by_email(session=session, email=email)
    if account is None:
        raise AccountError(f"no instructor signs in as {normalise_email(email)}")
    return set_password(session=session, account=account, password=password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def find_by_email(*, session: Session, email: str) -> InstructorLogin | None:
    """The sign-in for `email`, if any."""
    statement = select(InstructorLogin).where(InstructorLogin.email == normalise_email(email))
    return session.exec(statement).first()


def find_account(*, session: Session, account_id: int) -> InstructorLogin | None:
    """The sign-in with this id, if any."""
    return session.get(InstructorLogin, account_id)


def authenticate(*, session: Session, email: str, password: str) -> SignedInAs | None:
    """A new sign-in for the instructor whose e-mail and password match (time noted); else None."""
    account = find_by_email(session=session, email=email)
    if account is None or not account.password_hash:
        # Hash anyway so a wrong e-mail takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password):
        return None
    now = utcnow()
    account.last_sign_in_at = now
    session.add(account)
    token = open_sign_in(session=session, instructor_id=account.id, now=now)
    session.commit()
    return SignedInAs("owner", str(account.id), token)


_DUMMY_HASH = generate_password_hash("not a real password")
