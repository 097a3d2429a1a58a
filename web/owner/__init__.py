"""The instructor-owner's pages under /owner: one blueprint, its views in a module per URL area.

    /owner/, /owner/week/...           week.py (the week, its sessions, solving, reformers)
    /owner/plans/<id>/...              plans.py (publishing, pins, moves)
    /owner/runs, /owner/runs/<id>      runs.py (nightly runs, a solve's progress)
    /owner/venues...                   venues.py
    /owner/rooms/<key>                 rooms.py
    /owner/class-types...              class_types.py
    /owner/instructors...              instructors.py
    /owner/clients...                  clients.py

Views parse a form, call one service, then flash and redirect or render; an edit the
hard rules refuse comes back with the rule's words. Their forms are in `forms.py`.
"""

from __future__ import annotations

from flask import Blueprint

from web.auth import owner_required

bp = Blueprint("owner", __name__, url_prefix="/owner")


@bp.before_request
@owner_required
def _signed_in_owner() -> None:
    """Every page here is for a signed-in instructor."""


# Each module adds its views to `bp` as it is imported.
from web.owner import (  # noqa: E402
    class_types,
    clients,
    instructors,
    plans,
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
    "rooms",
    "runs",
    "venues",
    "week",
]
