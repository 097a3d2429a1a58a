"""The JSON API under /api/v1, described by the OpenAPI 3 document at /api/v1/openapi.json.

The same authorisation as the pages: the timetable is public; a plan with its
allocations is the owner's; a client reads their own places only (anyone
else's are "not found", so an id reveals nothing); an anonymous caller asking
for anything personal gets 401. Every error is a JSON body `{"error", "message"}`.

A client changes their own week under /me (cancel a place, book a space, join or
leave a waitlist): a client's alone (the owner gets 403), each a call to one
service of `scheduler.bookings.my_week`, whose refusals answer 409 with the
service's reason as `error`, and a class not theirs 404. The caller signs in with
the site's cookie, so every write carries the CSRF token of the signed-in page
(its `<meta name="csrf-token">`) in an `X-CSRFToken` header, checked here once
the caller is known to be signed in. A new client books their intro 1-2-1 there
too (the times, then one of them), in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

from scheduler.bookings.booking import BookingRefused, ClassNotFound
from scheduler.bookings.intros import IntroTime, book_intro, intro_of_booking, intro_offer
from scheduler.bookings.my_week import (
    book_my_space,
    cancel_my_place,
    client_credits,
    join_my_waitlist,
    leave_my_waitlist,
)
from scheduler.bookings.register import mark
from scheduler.bookings.timetable import TimetableSession, week_timetable
from scheduler.clients.access import latest_client
from scheduler.clients.mail import SmtpSettings
from scheduler.clients.week import (
    Place,
    client_week,
    default_week,
    local_time,
    published_weeks,
)
from scheduler.core import models
from scheduler.core.models import utcnow
from scheduler.formats.api import (
    CancelAsked,
    ClassAsked,
    IntroAsked,
    RegisterMark,
    RegisterMarkAsked,
)
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


@bp.errorhandler(CSRFError)
def _csrf_refused(exc: CSRFError) -> Any:
    message = (
        f"{exc.description} Send the token of a signed-in page (its csrf-token meta tag)"
        " in an X-CSRFToken header."
    )
    return jsonify(error="csrf_token", message=message), 400


@bp.before_request
def _writes_carry_the_csrf_token() -> None:
    """A write needs someone signed in, then their page's CSRF token (`X-CSRFToken`)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_user.is_authenticated:
        raise _unauthorised("Sign in to do this.")
    csrf.protect()


def _unauthorised(message: str = "Sign in to read this.") -> ApiError:
    return ApiError(401, "unauthorized", message)


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


def client_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in client only: an anonymous caller gets 401, the owner 403."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            raise _unauthorised()
        if not getattr(current_user, "is_client", False):
            raise ApiError(403, "forbidden", "Only a client has a week of their own to change.")
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
        "waiting": s.waiting,
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
        "kind": p.kind,
        "cancelled": p.cancelled,
        "late": p.late,
    }


# --- A client's changes to their week --------------------------------------------------------

Asked = TypeVar("Asked", bound=BaseModel)
Done = TypeVar("Done")


def _body(model: type[Asked], *, required: bool = True) -> Asked:
    """The request's JSON body as `model`; a 400 naming each field that is wrong."""
    data = request.get_json(silent=True)
    if data is None and not required and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        message = "; ".join(error_line(e) for e in exc.errors())
        raise ApiError(400, "bad_request", message) from None


def _changed(make: Callable[[], Done]) -> Done:
    """Run a change of the client's week; its refusal is a 409, a class not theirs a 404."""
    try:
        return make()
    except ClassNotFound as exc:
        raise _not_found(f"No such class of yours: {exc}.") from None
    except BookingRefused as refused:
        raise ApiError(409, refused.reason, refused.message) from None


def _week_of(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@bp.post("/me/allocations/<session_id>/cancel")
@client_only
def cancel_my_allocation(session_id: str) -> Any:
    """Cancel the client's place in a class for one week (body: optional `week_start`)."""
    asked = _body(CancelAsked, required=False)
    change = _changed(
        lambda: cancel_my_place(
            session=get_session(),
            client_key=current_user.key,
            session_key=session_id,
            week_start=_week_of(asked.week_start),
            smtp=SmtpSettings.from_app_config(current_app.config),
            base_url=current_app.config.get("BASE_URL") or request.url_root,
        )
    )
    return jsonify(
        week_start=change.week_start.isoformat(),
        session=change.session,
        late=change.late,
        credit_expires=change.credit_expires.isoformat() if change.credit_expires else None,
        message=change.message,
    )


@bp.post("/me/bookings")
@client_only
def book_a_space() -> Any:
    """Book a free space in a class with a make-up credit, or as a drop-in."""
    asked = _body(ClassAsked)
    change = _changed(
        lambda: book_my_space(
            session=get_session(),
            client_key=current_user.key,
            session_key=asked.session,
            week_start=_week_of(asked.week_start),
        )
    )
    place = _place_json(change.place) if change.place else None
    return jsonify(
        week_start=change.week_start.isoformat(), place=place, message=change.message
    ), 201


@bp.post("/me/waitlist")
@client_only
def join_a_waitlist() -> Any:
    """Wait for a space in a full class."""
    asked = _body(ClassAsked)
    change = _changed(
        lambda: join_my_waitlist(
            session=get_session(),
            client_key=current_user.key,
            session_key=asked.session,
            week_start=_week_of(asked.week_start),
        )
    )
    return jsonify(
        week_start=change.week_start.isoformat(),
        session=change.session,
        position=change.position,
        message=change.message,
    ), 201


@bp.delete("/me/waitlist/<session_id>")
@client_only
def leave_a_waitlist(session_id: str) -> Any:
    """Leave a class's waitlist (`?week=YYYY-MM-DD`, by default the next week running it)."""
    asked = request.args.get("week")
    change = _changed(
        lambda: leave_my_waitlist(
            session=get_session(),
            client_key=current_user.key,
            session_key=session_id,
            week_start=_monday(asked) if asked else None,
        )
    )
    return jsonify(
        week_start=change.week_start.isoformat(), session=change.session, message=change.message
    )


@bp.get("/me/credits")
@client_only
def my_credits() -> Any:
    """The client's make-up credits: what each was for, its last day, what it paid for."""
    credits = client_credits(
        session=get_session(), client_key=current_user.key, today=utcnow().date()
    )
    return jsonify(
        client=current_user.key,
        credits=[
            {
                "earned_for": c.earned_for,
                "expires_on": c.expires_on.isoformat(),
                "used_for": c.used_for,
                "expired": c.expired,
                "usable": c.usable,
            }
            for c in credits
        ],
    )


# --- The intro 1-2-1 of a new client ----------------------------------------------------------


def _intro_json(t: IntroTime) -> dict[str, Any]:
    return {
        "start": t.start.isoformat(),
        "end": t.end.isoformat(),
        "local_start": t.value,
        "session": t.session,
        "class_type": t.class_type,
        "class_name": t.class_name,
        "venue": t.venue,
        "venue_name": t.venue_name,
        "room": t.room,
        "room_name": t.room_name,
        "instructor": t.instructor,
        "instructor_name": t.instructor_name,
    }


@bp.get("/me/intro-times")
@client_only
def my_intro_times() -> Any:
    """The client's intro booked in a published week (`?week=`), or the times free to book it."""
    asked = request.args.get("week")
    offer = _changed(
        lambda: intro_offer(
            session=get_session(),
            client_key=current_user.key,
            week_start=_monday(asked) if asked else None,
        )
    )
    return jsonify(
        week_start=offer.week_start.isoformat(),
        booked=_intro_json(offer.booked) if offer.booked else None,
        times=[_intro_json(t) for t in offer.times],
    )


@bp.post("/me/intros")
@client_only
def book_my_intro() -> Any:
    """Book the client's intro at `start` (local YYYY-MM-DDTHH:MM)."""
    asked = _body(IntroAsked)
    session = get_session()
    booking = _changed(
        lambda: book_intro(
            session=session,
            client_key=current_user.key,
            start=datetime.fromisoformat(asked.start),
            week_start=_week_of(asked.week_start),
        )
    )
    intro = intro_of_booking(session=session, booking=booking)
    return jsonify(
        week_start=intro.week_start.isoformat(),
        intro=_intro_json(intro),
        message=f"Your intro is booked: {intro.label}.",
    ), 201


# --- The register: the owner's, or the class's instructor's ---------------------------------


@bp.post("/weeks/<week_start>/sessions/<session_id>/register")
@signed_in
def register_mark(week_start: str, session_id: str) -> Any:
    """Mark a client of the class attended or a no-show (`{"client": ID, "mark": ...}`).

    The owner marks any class, an instructor the classes they teach; to anyone else
    the class is not found. The register opens when the class starts (409
    `not_started` before). A cookie-authenticated write: the page's CSRF token goes
    in the `X-CSRFToken` header.
    """
    asked = _body(RegisterMarkAsked)
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
