"""The JSON API under /api/v1, described by the OpenAPI 3 document at /api/v1/openapi.json.

The same authorisation as the pages: the timetable is public; a plan with its
allocations is the owner's; a client reads their own places only (anyone
else's are "not found", so an id reveals nothing); an anonymous caller asking
for anything personal gets 401. Every error is a JSON body `{"error", "message"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.register import mark
from scheduler.clients.access import latest_client
from scheduler.clients.timetable import TimetableSession, week_timetable
from scheduler.clients.week import (
    Place,
    client_week,
    default_week,
    local_time,
    published_weeks,
)
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.formats.api import RegisterMark, RegisterMarkAsked
from scheduler.formats.plan import plan_to_json
from scheduler.formats.schemas import DOCUMENTS, document_schema
from scheduler.formats.validation import error_line
from scheduler.planning.errors import PlanningError
from scheduler.planning.moves import ClassInWords, MoveChoices, move_choices
from scheduler.store.plans import find_plan, load_stored_plan, weeks_with_published_plan
from scheduler.store.weeks import column_by_key
from solver.domain import DAYS
from web.db import get_session
from web.extensions import csrf
from web.form_parts import MAX_ROW_ID, row_id
from web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(HTTPException):
    """An error answered as JSON."""

    def __init__(self, code: int, error: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.error = error


@bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException) -> Any:
    error = getattr(exc, "error", None) or (exc.name or "error").lower().replace(" ", "_")
    return jsonify(error=error, message=exc.description), exc.code


def _unauthorised() -> ApiError:
    return ApiError(401, "unauthorized", "Sign in to read this.")


def _not_found(what: str = "Nothing here.") -> ApiError:
    return ApiError(404, "not_found", what)


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anyone signed in (owner or client); an anonymous caller gets 401."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            raise _unauthorised()
        return view(*args, **kwargs)

    return guarded


def _is_owner() -> bool:
    return bool(getattr(current_user, "is_owner", False))


def _monday(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _not_found(f"No week starts on {text!r}.") from None


# --- Weeks and the public timetable -----------------------------------------------------------


@bp.get("/weeks")
def weeks() -> Any:
    """Every stored week, with its current published plan version (null if none)."""
    listed = [
        {
            "week_start": week.week_start.isoformat(),
            "timezone": week.timezone,
            "published_version": plan.version if plan else None,
            "published_at": plan.published_at.isoformat() if plan else None,
        }
        for week, plan in weeks_with_published_plan(session=get_session())
    ]
    return jsonify(weeks=listed)


@bp.get("/weeks/<week_start>/sessions")
def week_sessions(week_start: str) -> Any:
    """The week's published sessions with places taken and spaces left; no client names."""
    table = week_timetable(session=get_session(), week_start=_monday(week_start))
    if table is None:
        raise _not_found(f"No week starts on {week_start}.")
    return jsonify(
        week_start=table.week_start.isoformat(),
        published_version=table.version,
        sessions=[_session_json(s) for s in table.sessions],
    )


def _session_json(s: TimetableSession) -> dict[str, Any]:
    return {
        "id": s.id,
        "class_type": s.class_type,
        "class_name": s.class_name,
        "venue": s.venue,
        "venue_name": s.venue_name,
        "room": s.room,
        "instructor": s.instructor,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "capacity": s.capacity,
        "taken": s.taken,
        "spaces_left": s.spaces_left,
    }


@bp.get("/weeks/<week_start>/plan")
@signed_in
def week_plan(week_start: str) -> Any:
    """The owner's full plan of the week (`reformer-plan/1` with client names).

    `?status=draft|published` or `?version=N` picks one; by default the latest plan.
    """
    session = get_session()
    monday = _monday(week_start)
    row = _owner_plan(monday)
    document = plan_to_json(load_stored_plan(session=session, plan_id=row.id))
    names = column_by_key(session=session, week_id=row.week_id, column=models.Client.name)
    for allocation in document["allocations"]:
        allocation["client_name"] = names.get(allocation["client"])
    return jsonify(
        week_start=monday.isoformat(),
        version=row.version,
        status=row.status,
        published_at=row.published_at.isoformat() if row.published_at else None,
        plan=document,
    )


def _owner_plan(monday: date) -> models.Plan:
    """The plan of the week `?status=` or `?version=` picks (default: the latest), for the owner.

    Anyone else is answered "not found"; a malformed status or version is a 400.
    """
    if not _is_owner():
        raise _not_found()
    status = request.args.get("status")
    if status not in (None, *models.PLAN_STATUSES):
        raise ApiError(400, "bad_request", "status is draft or published.")
    version = request.args.get("version")
    try:
        number = None if version is None else row_id(version)
    except ValueError:
        message = f"version is a whole number up to {MAX_ROW_ID}."
        raise ApiError(400, "bad_request", message) from None
    row = find_plan(session=get_session(), week_start=monday, status=status, version=number)
    if row is None:
        raise _not_found(f"No such plan for the week of {monday.isoformat()}.")
    return row


@bp.get("/weeks/<week_start>/plan/sessions/<session_id>/places/<client_id>/moves")
@signed_in
def place_moves(week_start: str, session_id: str, client_id: str) -> Any:
    """Where a client's place in a session of the owner's plan can move, best first.

    The classes the client fits, each with the reformer they would get and the week's
    figures before and after, then the classes they do not fit with the reasons.
    `?status=` or `?version=` picks the plan as for the plan itself.
    """
    row = _owner_plan(_monday(week_start))
    try:
        moves = move_choices(
            session=get_session(), plan_id=row.id, client=client_id, from_session=session_id
        )
    except PlanningError as exc:
        raise _not_found(f"No such place: {exc}.") from None

    return jsonify(
        week_start=moves.week_start.isoformat(),
        version=moves.version,
        status=moves.status,
        client=moves.client,
        client_name=moves.client_name,
        needs=list(moves.needs),
        current=_class_json(moves, moves.current),
        reformer=moves.reformer,
        leaving=list(moves.leaving),
        choices=[
            {
                "rank": rank,
                "to": _class_json(moves, c.target),
                "reformer": c.reformer,
                "reformer_features": list(c.reformer_features),
                "preferred": list(c.preferred),
                "effect": {
                    "words": c.effect.words,
                    "priority_places_before": c.effect.before.priority_places,
                    "priority_places_after": c.effect.after.priority_places,
                    "preference_points_before": c.effect.before.preference_points,
                    "preference_points_after": c.effect.after.preference_points,
                },
            }
            for rank, c in enumerate(moves.choices, start=1)
        ],
        not_fitting=[
            {"to": _class_json(moves, u.target), "reasons": list(u.reasons)}
            for u in moves.not_fitting
        ],
    )


def _class_json(moves: MoveChoices, t: ClassInWords) -> dict[str, Any]:
    """A class of a move's answer: ids beside the studio's names, local times."""
    s = t.session
    return {
        "session": s.id,
        "class_type": s.class_type,
        "class_name": t.class_name,
        "venue": s.venue,
        "venue_name": t.venue_name,
        "room": s.room,
        "room_name": t.room_name,
        "instructor": s.instructor,
        "instructor_name": t.instructor_name,
        "start": local_time(moves.week_start, s.start, moves.timezone).isoformat(),
        "end": local_time(moves.week_start, s.end, moves.timezone).isoformat(),
        "taken": t.taken,
        "capacity": t.capacity,
    }


# --- A client's places ------------------------------------------------------------------------


@bp.get("/me/allocations")
@signed_in
def my_allocations() -> Any:
    """The signed-in client's places in a published week (`?week=YYYY-MM-DD`, default: now)."""
    if not getattr(current_user, "is_client", False):
        raise _not_found("Only a client has places of their own.")
    return _allocations_of(current_user.key)


@bp.get("/clients/<client_id>/allocations")
@signed_in
def client_allocations(client_id: str) -> Any:
    """A client's places: the owner may read anyone's, a client only their own."""
    if not _is_owner() and not (
        getattr(current_user, "is_client", False) and current_user.key == client_id
    ):
        raise _not_found(f"No client {client_id}.")
    if latest_client(session=get_session(), client_key=client_id) is None:
        raise _not_found(f"No client {client_id}.")
    return _allocations_of(client_id)


def _allocations_of(client_key: str) -> Any:
    session = get_session()
    asked = request.args.get("week")
    week_start = _monday(asked) if asked else default_week(session=session, today=utcnow().date())
    view = (
        client_week(session=session, client_key=client_key, week_start=week_start)
        if week_start
        else None
    )
    if view is None:
        if asked:
            raise _not_found(f"No week starts on {asked}.")
        return jsonify(
            client=client_key,
            week_start=None,
            published=False,
            allocations=[],
            unplaced=[],
            weeks=[],
        )
    return jsonify(
        client=client_key,
        week_start=view.week_start.isoformat(),
        published=view.published,
        allocations=[_place_json(p) for p in view.places],
        unplaced=[
            {"class_names": list(u.class_names), "missing": u.missing, "reasons": list(u.reasons)}
            for u in view.unmet
        ],
        weeks=[w.isoformat() for w in published_weeks(session=session)],
    )


def _place_json(p: Place) -> dict[str, Any]:
    return {
        "session": p.session_id,
        "class_name": p.class_name,
        "day": DAYS[p.start.weekday()],
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "venue": p.venue,
        "room": p.room,
        "instructor": p.instructor,
        "reformer": p.reformer,
    }


# --- The register: the owner's, or the class's instructor's ---------------------------------


def _csrf_checked() -> None:
    """A write with the sign-in cookie carries the page's CSRF token (`X-CSRFToken`)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        csrf.protect()
    except CSRFError as exc:
        raise ApiError(400, "csrf", exc.description) from None


@bp.post("/weeks/<week_start>/sessions/<session_id>/register")
@signed_in
def register_mark(week_start: str, session_id: str) -> Any:
    """Mark a client of the class attended or a no-show (`{"client": ID, "mark": ...}`).

    The owner marks any class, an instructor the classes they teach; to anyone else
    the class is not found. The register opens when the class starts (409
    `not_started` before). A cookie-authenticated write: the page's CSRF token goes
    in the `X-CSRFToken` header.
    """
    _csrf_checked()
    try:
        asked = RegisterMarkAsked.model_validate(request.get_json(silent=True))
    except ValidationError as exc:
        raise ApiError(400, "bad_request", "; ".join(map(error_line, exc.errors()))) from None
    try:
        marked = mark(
            session=get_session(),
            week_start=_monday(week_start),
            session_key=session_id,
            client_key=asked.client,
            mark=asked.mark,
            by_login_id=getattr(current_user, "login_id", None),
        )
    except ClassNotFound:
        raise _not_found(f"No class {session_id} with a place for {asked.client}.") from None
    except BookingRefused as exc:
        raise ApiError(409, exc.reason, exc.message) from None
    answer = RegisterMark(
        week_start=marked.week_start.isoformat(),
        session=marked.session,
        class_label=marked.class_label,
        client=marked.client,
        client_name=marked.name,
        mark=marked.mark,
        marked_at=marked.marked_at,
    )
    return jsonify(answer.model_dump(mode="json"))


# --- The OpenAPI document and the documents' JSON Schemas ------------------------------------


@bp.get("/openapi.json")
def openapi() -> Any:
    """This API described as OpenAPI 3.1 (built in `web.openapi` from the response models)."""
    return jsonify(openapi_document())


@bp.get("/schemas/<name>.json")
def document_schema_view(name: str) -> Any:
    """The JSON Schema of reformer-NAME/1: week, plan or scenario."""
    if name not in DOCUMENTS:
        raise _not_found(f"No schema {name!r}; there are {', '.join(DOCUMENTS)}.")
    return jsonify(document_schema(name))
