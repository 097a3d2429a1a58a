"""/auth/...: the instructor-owner signs in with e-mail and password (`sign_in.py`).

Everyone signed in is a `SignedIn`, whose Flask-Login id is the token of their
sign-in on the server (`scheduler.core.sign_ins`): signing out ends it there, so
a copied cookie signs nobody in. The sign-in says what kind of person they are
(`owner`, `client`); each kind registers how to load itself, so the owner's
pages and the clients' pages share one Flask-Login session. `start_session`
and `end_session` sign a browser in and out; the guard `owner_required` keeps a
view for a signed-in instructor.
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
    """Someone signed in: an `owner` (instructor account) or a `client`."""

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
    def is_client(self) -> bool:
        return self.kind == "client"


Loader = Callable[[Session, str, str], SignedIn | None]
_loaders: dict[str, Loader] = {}


def register_kind(kind: str, loader: Loader) -> None:
    """Teach sign-in how to load a `kind` of person (e.g. `client`) from their key and token."""
    _loaders[kind] = loader


def _load_owner(session: Session, key: str, token: str) -> SignedIn | None:
    account = find_account(session=session, account_id=int(key)) if key.isdigit() else None
    if account is None or not account.is_owner:
        return None
    return SignedIn("owner", str(account.id), account.name or account.email, token)


register_kind("owner", _load_owner)


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


def owner_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a signed-in instructor may see the view; anyone else is sent to sign in."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not getattr(current_user, "is_owner", False):
            abort(403)
        return view(*args, **kwargs)

    return guarded


# The sign-in views add themselves to `bp` as their module is imported.
from web.auth import sign_in  # noqa: E402

__all__ = [
    "SignedIn",
    "bp",
    "end_session",
    "owner_required",
    "register_kind",
    "sign_in",
    "start_session",
]
