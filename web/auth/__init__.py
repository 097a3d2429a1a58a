"""/auth/...: the instructor-owner signs in with e-mail and password (`sign_in.py`).

Everyone signed in is a `SignedIn`, whose Flask-Login id is the token of their
sign-in on the server (`scheduler.core.sign_ins`): signing out ends it there, so
a copied cookie signs nobody in. The sign-in says what kind of person they are
(`owner`, `client`); each kind registers how to load itself, so the owner's
pages and the clients' pages share one Flask-Login session. `start_session`
and `end_session` sign a browser in and out; the guard `owner_required` keeps a
view for the signed-in owner, `instructor_required` for any instructor's sign-in
(the owner's, or an `instructor`'s, who takes the registers of their own classes).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, session
from flask_login import current_user, login_user, logout_user
from flask_login.mixins import UserMixin
from sqlmodel import Session

from scheduler.core.sign_ins import SignedInAs, end_sign_in, signed_in_as
from scheduler.studio.accounts import find_account
from web.db import get_session
from web.extensions import login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


class SignedIn(UserMixin):
    """Someone signed in: the `owner`, another `instructor` (not the owner), or a `client`."""

    def __init__(self, kind: str, key: str, name: str, token: str) -> None:
        self.kind = kind
        self.key = key
        self.name = name
        self.token = token

    def get_id(self) -> str:
        return self.token

    @property
    def is_owner(self) -> bool:
        return self.kind == "owner"

    @property
    def is_instructor(self) -> bool:
        """Signed in with an instructor's sign-in, the owner's or another's."""
        return self.kind in ("owner", "instructor")

    @property
    def login_id(self) -> int | None:
        """The id of the instructor's sign-in; None for a client."""
        return int(self.key) if self.is_instructor else None

    @property
    def is_client(self) -> bool:
        return self.kind == "client"


Loader = Callable[[Session, str, str], SignedIn | None]
_loaders: dict[str, Loader] = {}


def register_kind(kind: str, loader: Loader) -> None:
    """Teach sign-in how to load a `kind` of person (e.g. `client`) from their key and token."""
    _loaders[kind] = loader


def _load_instructor(session: Session, key: str, token: str) -> SignedIn | None:
    account = find_account(session=session, account_id=int(key)) if key.isdigit() else None
    if account is None:
        return None
    kind = "owner" if account.is_owner else "instructor"
    return SignedIn(kind, str(account.id), account.name or account.email, token)


# Every instructor's sign-in is kept as an `owner` one; the account says which they are.
register_kind("owner", _load_instructor)


def _signed_in(found: SignedInAs | None) -> SignedIn | None:
    loader = _loaders.get(found.kind) if found else None
    return loader(get_session(), found.key, found.token) if loader else None


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    return _signed_in(signed_in_as(session=get_session(), token=user_id))


def start_session(granted: SignedInAs) -> bool:
    """Sign this browser in as `granted`, with a new CSRF token; False if they cannot be loaded."""
    user = _signed_in(granted)
    if user is None:
        return False
    _drop_csrf_token()
    login_user(user)
    return True


def end_session() -> None:
    """Sign this browser out, ending its sign-in on the server too."""
    if current_user.is_authenticated:
        end_sign_in(session=get_session(), token=current_user.token)
    logout_user()
    _drop_csrf_token()


def _drop_csrf_token() -> None:
    """Forget the form token (Flask-WTF keeps it in the session): the next form gets a new one."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def _guard(allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A guard letting through the signed-in people whose `allowed` attribute is true."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not getattr(current_user, allowed, False):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def owner_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only the signed-in owner may see the view; anyone not signed in is sent to sign in."""
    return _guard("is_owner")(view)


def instructor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Any instructor signed in (the owner too) may see the view; others as `owner_required`."""
    return _guard("is_instructor")(view)


# The sign-in views add themselves to `bp` as their module is imported.
from web.auth import sign_in  # noqa: E402

__all__ = [
    "SignedIn",
    "bp",
    "end_session",
    "instructor_required",
    "owner_required",
    "register_kind",
    "sign_in",
    "start_session",
]
