"""The instructor-owner's pages under /owner: one blueprint, its views in a module per URL area.

    /owner/, /owner/week/...           week.py (the week, its sessions, solving, reformers)
    /owner/plans/<id>/...              plans.py (publishing, pins, moves)
    /owner/runs, /owner/runs/<id>      runs.py (nightly runs, a solve's progress)
    /owner/venues...                   venues.py
    /owner/rooms/<key>                 rooms.py
    /owner/class-types...              class_types.py
    /owner/instructors...              instructors.py
    /owner/clients...                  clients.py
    /owner/registers, /owner/week/<start>/sessions/<key>/register
                                       register.py (the registers: the owner's, and an
                                       instructor's of their own classes)
    /owner/policy                      policy.py (the studio's cut-off, credits, drop-ins)

Views parse a form, call one service, then flash and redirect or render; an edit the
hard rules refuse comes back with the rule's words. Their forms are in `forms.py`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from web.auth import instructor_required, owner_required

bp = Blueprint("owner", __name__, url_prefix="/owner")

#: The pages an instructor who is not the owner may open too: their registers.
FOR_INSTRUCTORS = frozenset({"owner.registers", "owner.register", "owner.register_mark"})


@owner_required
def _owner() -> None:
    """Every other page here is for the signed-in owner."""


@instructor_required
def _instructor() -> None:
    """A register is for the owner or an instructor (who finds only their own classes')."""


@bp.before_request
def _signed_in() -> Any:
    return _instructor() if request.endpoint in FOR_INSTRUCTORS else _owner()


# Each module adds its views to `bp` as it is imported.
from web.owner import (  # noqa: E402
    class_types,
    clients,
    instructors,
    plans,
    policy,
    register,
    rooms,
    runs,
    venues,
    week,
)

__all__ = [
    "bp",
    "class_types",
    "clients",
    "instructors",
    "plans",
    "policy",
    "register",
    "rooms",
    "runs",
    "venues",
    "week",
]
