"""Instructor accounts: creating a sign-in and checking a password (stored hashed)."""

from __future__ import annotations

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.core.models import InstructorLogin, utcnow

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """An account that cannot be created as asked."""


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def add_instructor_login(
    *, session: Session, email: str, password: str, name: str | None = None
) -> InstructorLogin:
    """Create an instructor's sign-in; refuses a taken e-mail or a short password."""
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"{email!r} is not an e-mail address")
    _check_password(password)
    if find_by_email(session=session, email=email) is not None:
        raise AccountError(f"{email} already has a sign-in")
    account = InstructorLogin(
        email=email, name=name, password_hash=generate_password_hash(password), is_owner=True
    )
    session.add(account)
    session.commit()
    session.refresh(account)
    return account


def set_password(*, session: Session, account: InstructorLogin, password: str) -> None:
    """Give an existing sign-in a new password; refuses a short one."""
    _check_password(password)
    account.password_hash = generate_password_hash(password)
    session.add(account)
    session.commit()


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


def authenticate(*, session: Session, email: str, password: str) -> InstructorLogin | None:
    """The sign-in whose e-mail and password match, with its last sign-in noted; else None."""
    account = find_by_email(session=session, email=email)
    if account is None or not account.password_hash:
        # Hash anyway so a wrong e-mail takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(account.password_hash, password):
        return None
    account.last_sign_in_at = utcnow()
    session.add(account)
    session.commit()
    session.refresh(account)
    return account


_DUMMY_HASH = generate_password_hash("not a real password")
