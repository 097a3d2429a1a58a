"""/auth/...: the instructor-owner signs in with e-mail and password (`sign_in.py`).

Everyone signed in is a `SignedIn` whose id says what kind of person they are
(`owner:3`, `client:c0001`); each kind registers how to load itself, so the
owner's pages and the clients' pages share one Flask-Login session. The guard
`owner_required` keeps a view for a signed-in instructor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app
from flask_login import current_user
from flask_login.mixins import UserMixin
from sqlmodel import Session

from scheduler.studio.accounts import find_account
from web.db import get_session
from web.extensions import login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


class SignedIn(UserMixin):
    """Someone signed in: an `owner` (instructor account) or a `client`."""

    def __init__(self, kind: str, key: str, name: str) -> None:
        self.kind = kind
        self.key = key
        self.name = name

    def get_id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def is_owner(self) -> bool:
        return self.kind == "owner"

    @property
    def is_client(self) -> bool:
        return self.kind == "client"


Loader = Callable[[Session, str], SignedIn | None]
_loaders: dict[str, Loader] = {}


def register_kind(kind: str, loader: Loader) -> None:
    """Teach sign-in how to load a `kind` of person from their key (e.g. `client`)."""
    _loaders[kind] = loader


def _load_owner(session: Session, key: str) -> SignedIn | None:
    account = find_account(session=session, account_id=int(key)) if key.isdigit() else None
    if account is None or not account.is_owner:
        return None
    return SignedIn("owner", str(account.id), account.name or account.email)


register_kind("owner", _load_owner)


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    kind, _, key = user_id.partition(":")
    loader = _loaders.get(kind)
    return loader(get_session(), key) if loader else None


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

__all__ = ["SignedIn", "bp", "owner_required", "register_kind", "sign_in"]
