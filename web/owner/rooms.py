"""/owner/rooms/<key>: a room's mat spaces and its reformers' features."""

from __future__ import annotations

from typing import Any

from flask import request

from scheduler.core import models
from scheduler.core.names import week_names
from scheduler.planning.errors import PlanningError
from scheduler.store.weeks import load_stored_week
from scheduler.studio.data import room_reformers, update_room
from web.db import get_session
from web.owner import bp
from web.owner.common import data_form, data_row_or_404, data_week, edit_page, saved
from web.owner.forms import RoomForm


@bp.route("/rooms/<key>", methods=["GET", "POST"])
def room_edit(key: str) -> Any:
    """A room's mat spaces and its reformers' features."""
    week_start = data_week()
    session = get_session()
    room = data_row_or_404(models.Room, week_start, key)
    form = data_form(RoomForm, room)
    week = load_stored_week(session=session, week_start=week_start, with_clients=False)
    name = week_names(week).room(key)
    if request.method == "GET":
        form.reformers.data = "\n".join(
            f"{m.key} {' '.join(m.features)}".strip()
            for m in room_reformers(session=session, room_id=room.id)
        )
    if form.validate_on_submit():
        try:
            update_room(
                session=session,
                room_id=room.id,
                mat_spaces=form.mat_spaces.data,
                features=form.reformers.parsed,
            )
        except PlanningError as exc:
            form.reformers.errors.append(str(exc))
        else:
            return saved(name, "owner.venues", week_start)
    return edit_page(form, name, week_start, "owner.venues")
