"""The instructor-owner's pages: the week, solving, edits, publishing, and the studio's data.

Views parse a form, call one service of `scheduler.planning`, then flash and
redirect; an edit the hard rules refuse comes back with the rule's words.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import SelectChoice

from scheduler.clients.mail import SmtpSettings
from scheduler.core import models
from scheduler.core.changes import PlanDiff
from scheduler.formats.clients_csv import CsvError, format_availability
from scheduler.formats.times import format_time
from scheduler.planning import edits, solving
from scheduler.planning.errors import PlanningError, RuleBroken
from scheduler.planning.publish import preview_publish, publish_plan
from scheduler.planning.rows import latest_plan
from scheduler.planning.solving import (
    gap,
    previous_week,
    solve_run_state,
    start_background_solve,
)
from scheduler.store import weeks as stored_weeks
from scheduler.store.plans import load_stored_plan
from scheduler.store.weeks import (
    as_date,
    column_by_key,
    coming_monday,
    load_stored_week,
    require_week,
    week_starts,
)
from scheduler.studio.clients import import_clients_csv
from scheduler.studio.data import (
    update_class_type,
    update_client,
    update_instructor,
    update_room,
    update_venue,
)
from solver.domain import DAYS, MINUTES_PER_DAY, Plan, Session, Week
from web import forms
from web.auth import owner_required
from web.db import get_session

bp = Blueprint("owner", __name__, url_prefix="/owner")

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@bp.before_request
@owner_required
def _signed_in_owner() -> None:
    """Every page here is for a signed-in instructor."""


# ---------------------------------------------------------------------------
# Reading a week and its plan for the pages


@dataclass
class Card:
    """A session as the week grid shows it."""

    key: str
    class_name: str
    time: str
    instructor: str
    room: str
    taken: int
    capacity: int
    pinned: bool
    uses_reformers: bool

    @property
    def fill(self) -> str:
        share = self.taken / self.capacity if self.capacity else 1
        if share >= 1:
            return "fill-full"
        if share >= 0.75:
            return "fill-high"
        if share >= 0.4:
            return "fill-mid"
        return "fill-low"


@dataclass
class Board:
    """One week as the owner sees it: the plan in view, its sessions per venue and day."""

    week_start: date
    week: Week
    plan_row: models.Plan | None
    plan: Plan | None
    published: models.Plan | None
    previous: date | None
    following: date | None
    venues: list[tuple[Any, list[tuple[str, list[Card]]]]] = field(default_factory=list)
    versions: list[models.Plan] = field(default_factory=list)
    cards: dict[str, Card] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def _week_start_or_default(text: str | None) -> date | None:
    session = get_session()
    if text:
        try:
            return as_date(text)
        except ValueError:
            abort(404)
    starts = week_starts(session=session)
    if not starts:
        return None
    coming = coming_monday()
    return coming if coming in starts else starts[-1]


def _board(week_start: date, plan_id: int | None = None) -> Board:
    session = get_session()
    week_row = stored_weeks.week_row(session=session, week_start=week_start)
    if week_row is None:
        abort(404)
    # The grid shows the timetable, not the clients: their names come in one query below.
    week = load_stored_week(session=session, week_start=week_start, with_clients=False)
    versions = _versions(week_row)
    if plan_id is not None:
        plan_row = next((v for v in versions if v.id == plan_id), None)
        if plan_row is None:
            abort(404)
    else:
        plan_row = versions[0] if versions else None
    plan = _load_plan(plan_row) if plan_row else None
    starts = week_starts(session=session)
    board = Board(
        week_start=week_start,
        week=week,
        plan_row=plan_row,
        plan=plan,
        published=next((v for v in versions if v.status == "published"), None),
        previous=max((s for s in starts if s < week_start), default=None),
        following=min((s for s in starts if s > week_start), default=None),
        versions=versions,
    )
    board.names = _client_names(week_row)
    if plan is None:
        board.venues = [(v, []) for v in week.venues]
        return board
    class_types = week.class_type_by_id
    instructors = week.instructor_by_id
    rooms = week.rooms
    pinned = {p.id for p in week.pinned_sessions}
    taken: dict[str, int] = defaultdict(int)
    for a in plan.allocations:
        taken[a.session] += 1
    by_venue_day: dict[str, dict[int, list[Card]]] = defaultdict(lambda: defaultdict(list))
    for s in sorted(plan.sessions, key=lambda s: (s.start, s.room)):
        ct = class_types.get(s.class_type)
        room = rooms.get(s.room)
        capacity = week.capacity(ct, room) if ct and room else 0
        card = Card(
            key=s.id,
            class_name=ct.name if ct else s.class_type,
            time=f"{_clock(s.start)}–{_clock(s.end)}",
            instructor=instructors[s.instructor].name
            if s.instructor in instructors
            else s.instructor,
            room=s.room,
            taken=taken[s.id],
            capacity=capacity,
            pinned=s.id in pinned,
            uses_reformers=bool(ct and ct.uses_reformers),
        )
        board.cards[s.id] = card
        by_venue_day[s.venue][s.start // MINUTES_PER_DAY].append(card)
    board.venues = [
        (v, [(DAY_NAMES[d], by_venue_day[v.id][d]) for d in range(len(DAYS))]) for v in week.venues
    ]
    return board


class _PublishedPlans:
    """The app's last few published plans as domain data, by plan id and publishing time.

    A published plan never changes (an edit copies it to a new draft), so it can be
    read from the database once per process; drafts are always read afresh.
    """

    SIZE = 8

    def __init__(self) -> None:
        self._plans: OrderedDict[tuple[int, Any], Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, row: models.Plan) -> Plan:
        key = (row.id, row.published_at)
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]
        plan = load_stored_plan(session=get_session(), plan_id=row.id)
        with self._lock:
            self._plans[key] = plan
            while len(self._plans) > self.SIZE:
                self._plans.popitem(last=False)
        return plan


def _load_plan(row: models.Plan) -> Plan:
    """The plan of `row` as domain data; a published one from the app's cache."""
    if row.status != "published" or row.published_at is None:
        return load_stored_plan(session=get_session(), plan_id=row.id)
    cache = current_app.extensions.setdefault("reformer_published_plans", _PublishedPlans())
    return cache.get(row)


def _client_names(week_row: models.Week) -> dict[str, str]:
    """Every client of the week by id, active or not (a plan may name a cancelled one)."""
    return column_by_key(session=get_session(), week_id=week_row.id, column=models.Client.name)


def _clock(minute: int) -> str:
    return format_time(minute % MINUTES_PER_DAY)


def _when(minute: int) -> str:
    return f"{DAY_NAMES[minute // MINUTES_PER_DAY][:3]} {_clock(minute)}"


def _refused(exc: PlanningError) -> None:
    """Flash a refusal: each broken rule in the spec's words, or the plain reason."""
    if isinstance(exc, RuleBroken):
        for words in exc.rule_words:
            flash(f"Not done. {words}", "error")
    else:
        flash(f"Not done: {exc}", "error")


# ---------------------------------------------------------------------------
# The week


@bp.get("/")
@bp.get("/week")
def week() -> Any:
    """The week's timetable per venue and day, with the plan's figures and unplaced wants."""
    week_start = _week_start_or_default(request.args.get("start"))
    if week_start is None:
        return render_template("owner/no_week.html")
    if stored_weeks.week_row(session=get_session(), week_start=week_start) is None:
        return _week_not_started(week_start)
    board = _board(week_start, request.args.get("plan", type=int))
    unplaced = sorted(
        board.plan.unplaced if board.plan else (), key=lambda u: board.names.get(u.client, u.client)
    )
    class_names = {c.id: c.name for c in board.week.class_types}
    return render_template(
        "owner/week.html",
        board=board,
        unplaced=unplaced,
        class_names=class_names,
        gap=gap(
            board.plan_row.priority_places if board.plan_row else None,
            board.plan_row.bound if board.plan_row else None,
        ),
        solve_form=forms.SolveForm(time_limit=current_app.config["SOLVE_SECONDS"]),
        versions=board.versions,
        week_after=week_start + timedelta(days=7),
    )


def _week_not_started(week_start: date) -> Any:
    """A Monday with no week stored: offer to start it from the latest week before it."""
    if week_start.weekday() != 0:
        abort(404)
    previous = previous_week(session=get_session(), week_start=week_start)
    page = render_template(
        "owner/new_week.html", week_start=week_start, previous=previous, form=forms.ConfirmForm()
    )
    return page, 404


@bp.post("/week/<start>/start")
def start_week(start: str) -> Any:
    """Store a new week as a copy of the latest week before it (no plan), then show it."""
    try:
        week_start = as_date(start)
    except ValueError:
        abort(404)
    if week_start.weekday() != 0 or not forms.ConfirmForm().validate():
        abort(400)
    try:
        source = solving.start_week(session=get_session(), week_start=week_start)
    except PlanningError as exc:
        _refused(exc)
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    flash(
        f"The week of {week_start:%-d %B} is started from the week of {source:%-d %B}:"
        " solve it to build its timetable.",
        "success",
    )
    return redirect(url_for("owner.week", start=week_start.isoformat()))


def _versions(week_row: models.Week) -> list[models.Plan]:
    """The week's plan versions, newest first."""
    return list(
        get_session().exec(
            select(models.Plan)
            .where(models.Plan.week_id == week_row.id)
            .order_by(models.Plan.version.desc())
        )
    )


@bp.get("/week/<start>/sessions/<key>")
def session_detail(start: str, key: str) -> Any:
    """One session: who is on which reformer, and the edits that can be made to it."""
    board = _board(as_date(start), request.args.get("plan", type=int))
    if board.plan is None or key not in board.cards:
        abort(404)
    the_session = next(s for s in board.plan.sessions if s.id == key)
    room = board.week.rooms.get(the_session.room)
    places = [a for a in board.plan.allocations if a.session == key]
    on_machine = {a.reformer: a for a in places if a.reformer}
    pinned_places = {p.client for p in board.week.pinned_allocations if p.session == key}
    machines = [
        {
            "id": r.id,
            "features": sorted(r.features),
            "in_service": r.in_service,
            "place": on_machine.get(r.id),
        }
        for r in (room.reformers if room else ())
    ]
    move_form = forms.MoveForm()
    move_form.to_session.choices = [
        SelectChoice(s.id, f"{_when(s.start)} · {board.cards[s.id].class_name} · {s.room}")
        for s in sorted(board.plan.sessions, key=lambda s: (s.start, s.room))
    ]
    move_form.to_session.data = key
    return render_template(
        "owner/session.html",
        board=board,
        card=board.cards[key],
        the_session=the_session,
        when=_when(the_session.start),
        places=sorted(places, key=lambda a: board.names.get(a.client, a.client)),
        machines=machines,
        pinned_places=pinned_places,
        move_form=move_form,
    )


# ---------------------------------------------------------------------------
# Solving


@bp.post("/week/<start>/solve")
def solve(start: str) -> Any:
    """Start a background solve of the week and show its progress."""
    week_start = as_date(start)
    form = forms.SolveForm()
    if not form.validate():
        for error in form.time_limit.errors:
            flash(f"Time limit: {error}", "error")
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    try:
        run_id = start_background_solve(
            week_start=week_start,
            time_limit=form.time_limit.data,
            database_url=current_app.config["DATABASE_URL"],
        )
    except PlanningError as exc:
        _refused(exc)
        return redirect(url_for("owner.week", start=week_start.isoformat()))
    return redirect(url_for("owner.run", run_id=run_id))


@bp.get("/runs/<int:run_id>")
def run(run_id: int) -> Any:
    """A solve's live progress; the page polls `run_json` every second."""
    state = solve_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    run_row = get_session().get(models.SolveRun, run_id)
    week_row = get_session().get(models.Week, run_row.week_id) if run_row.week_id else None
    return render_template("owner/run.html", state=state, week_row=week_row)


@bp.get("/runs/<int:run_id>.json")
def run_json(run_id: int) -> Any:
    """A solve's state as JSON, for the progress page."""
    state = solve_run_state(session=get_session(), run_id=run_id)
    if state is None:
        abort(404)
    return jsonify(state)


# ---------------------------------------------------------------------------
# Publishing


@bp.route("/plans/<int:plan_id>/publish", methods=["GET", "POST"])
def publish(plan_id: int) -> Any:
    """Preview what publishing a draft changes (GET), then publish it (POST)."""
    session = get_session()
    row = session.get(models.Plan, plan_id)
    if row is None:
        abort(404)
    week_row = session.get(models.Week, row.week_id)
    form = forms.ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            smtp = SmtpSettings.from_app_config(current_app.config)
            diff = publish_plan(
                session=session,
                plan_id=plan_id,
                smtp=smtp,
                development=current_app.config.get("ENV_NAME") == "development",
            )
        except PlanningError as exc:
            _refused(exc)
            return redirect(url_for("owner.week", start=week_row.week_start.isoformat()))
        flash(f"Version {row.version} is published.", "success")
        if smtp is None and diff.clients:
            flash("No mail server is set (SMTP_HOST): clients were not e-mailed.", "info")
        elif diff.clients:
            flash(f"{len(diff.emailed)} client(s) e-mailed about their changed places.", "success")
        return _publish_page(row, week_row, form, diff, done=True)
    diff = preview_publish(session=session, plan_id=plan_id)
    return _publish_page(row, week_row, form, diff, done=False)


def _publish_page(
    row: models.Plan, week_row: models.Week, form: Any, diff: PlanDiff, *, done: bool
) -> str:
    """The publish page: what publishing changes (`done`: what it changed)."""
    return render_template(
        "owner/publish.html",
        row=row,
        week_row=week_row,
        diff=diff,
        done=done,
        form=form,
        **_diff_words(week_row.week_start, diff),
    )


def _diff_words(week_start: date, diff: PlanDiff) -> dict[str, Any]:
    """Names for the clients a diff mentions, and words for the classes of their places."""
    session = get_session()
    week_row = stored_weeks.week_row(session=session, week_start=week_start)
    class_names = column_by_key(session=session, week_id=week_row.id, column=models.ClassType.name)
    instructors = column_by_key(session=session, week_id=week_row.id, column=models.Instructor.name)

    def describe(s: Session) -> str:
        return (
            f"{_when(s.start)} {class_names.get(s.class_type, s.class_type)} ({s.room}),"
            f" {instructors.get(s.instructor, s.instructor)}"
        )

    return {"names": _client_names(week_row), "describe": describe}


# ---------------------------------------------------------------------------
# Edits, each checked against the hard rules


def _back_to_session(plan_id: int, key: str) -> Any:
    session = get_session()
    row = session.get(models.Plan, plan_id)
    week_row = session.get(models.Week, row.week_id)
    latest = latest_plan(session=session, week_start=week_row.week_start)
    keys = {
        s.key
        for s in session.exec(
            select(models.PlanSession).where(models.PlanSession.plan_id == latest.id)
        ).all()
    }
    if key in keys:
        return redirect(
            url_for(
                "owner.session_detail",
                start=week_row.week_start.isoformat(),
                key=key,
                plan=latest.id,
            )
        )
    return redirect(url_for("owner.week", start=week_row.week_start.isoformat()))


def _plan_or_404(plan_id: int) -> models.Plan:
    row = get_session().get(models.Plan, plan_id)
    if row is None:
        abort(404)
    return row


def _pin_edit(plan_id: int, key: str, done: str, edit: Callable[[models.Plan], None]) -> Any:
    """A confirmed pin or unpin in the plan's session `key`: do it, say how it went, show it."""
    row = _plan_or_404(plan_id)
    if forms.ConfirmForm().validate_on_submit():
        try:
            edit(row)
            flash(done, "success")
        except PlanningError as exc:
            _refused(exc)
    return _back_to_session(row.id, key)


def _week_start_of(row: models.Plan) -> date:
    return get_session().get(models.Week, row.week_id).week_start


@bp.post("/plans/<int:plan_id>/sessions/<key>/pin")
def pin_session(plan_id: int, key: str) -> Any:
    """Pin a session: every later solve runs it as it is."""
    return _pin_edit(
        plan_id,
        key,
        "Session pinned: later solves keep it as it is.",
        lambda row: edits.pin_session(session=get_session(), plan_id=plan_id, session_key=key),
    )


@bp.post("/plans/<int:plan_id>/sessions/<key>/unpin")
def unpin_session(plan_id: int, key: str) -> Any:
    """Unpin a session (and the places pinned in it)."""
    return _pin_edit(
        plan_id,
        key,
        "Session unpinned.",
        lambda row: edits.unpin_session(
            session=get_session(), week_start=_week_start_of(row), session_key=key
        ),
    )


@bp.post("/plans/<int:plan_id>/sessions/<key>/places/<client>/pin")
def pin_place(plan_id: int, key: str, client: str) -> Any:
    """Pin a client's place, to the reformer."""
    return _pin_edit(
        plan_id,
        key,
        "Place pinned: later solves keep it, to the reformer.",
        lambda row: edits.pin_place(
            session=get_session(), plan_id=plan_id, client=client, session_key=key
        ),
    )


@bp.post("/plans/<int:plan_id>/sessions/<key>/places/<client>/unpin")
def unpin_place(plan_id: int, key: str, client: str) -> Any:
    """Unpin a client's place."""
    return _pin_edit(
        plan_id,
        key,
        "Place unpinned.",
        lambda row: edits.unpin_place(
            session=get_session(), week_start=_week_start_of(row), client=client, session_key=key
        ),
    )


@bp.post("/plans/<int:plan_id>/sessions/<key>/places/<client>/move")
def move(plan_id: int, key: str, client: str) -> Any:
    """Move a client's place to another session or reformer (into a draft)."""
    row = _plan_or_404(plan_id)
    form = forms.MoveForm()
    form.to_session.choices = [
        SelectChoice(s.key)
        for s in get_session()
        .exec(select(models.PlanSession).where(models.PlanSession.plan_id == plan_id))
        .all()
    ]
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            for error in errors:
                flash(
                    f"{getattr(form, name).label.text if hasattr(form, name) else name}: {error}",
                    "error",
                )
        return _back_to_session(row.id, key)
    try:
        draft = edits.move_client(
            session=get_session(),
            plan_id=plan_id,
            client=client,
            from_session=key,
            to_session=form.to_session.data,
            reformer=form.reformer.data or None,
        )
    except PlanningError as exc:
        _refused(exc)
        return _back_to_session(row.id, key)
    flash(f"Moved into draft version {draft.version}.", "success")
    return _back_to_session(draft.id, form.to_session.data)


@bp.post("/week/<start>/reformers/<key>/service")
def reformer_service(start: str, key: str) -> Any:
    """Mark a reformer out of service or back in service."""
    week_start = as_date(start)
    form = forms.ServiceForm()
    if form.validate_on_submit():
        in_service = form.in_service.data == "yes"
        try:
            edits.set_reformer_in_service(
                session=get_session(), week_start=week_start, reformer=key, in_service=in_service
            )
            flash(
                f"Reformer {key} is {'back in service' if in_service else 'out of service'}.",
                "success",
            )
        except PlanningError as exc:
            _refused(exc)
    return redirect(request.form.get("next") or url_for("owner.venues", start=start))


# ---------------------------------------------------------------------------
# The studio's data: venues, rooms, reformers, class types, instructors, clients


def _data_week() -> date:
    week_start = _week_start_or_default(request.args.get("start"))
    if week_start is None:
        abort(404)
    return week_start


def _week_row_of(week_start: date) -> models.Week:
    return require_week(session=get_session(), week_start=week_start)


def _data_row_or_404(model: type, week_start: date, key: str) -> Any:
    """The week's row of `model` (a venue, room, class type, instructor or client) by its key."""
    week_row = _week_row_of(week_start)
    query = select(model).where(model.week_id == week_row.id, model.key == key)
    row = get_session().exec(query).first()
    if row is None:
        abort(404)
    return row


def _data_form(form_class: type[FlaskForm], row: Any) -> Any:
    """A data form: filled from `row` to show it (GET), from the request when posted."""
    return form_class(obj=row) if request.method == "GET" else form_class()


def _saved(what: str, listing: str, week_start: date) -> Any:
    """Say what was saved, then go back to the list it is on."""
    flash(f"{what} saved.", "success")
    return redirect(url_for(listing, start=week_start.isoformat()))


def _edit_page(form: Any, title: str, week_start: date, listing: str) -> Any:
    """A data form's page, with a way back to its list; 400 while the form has errors."""
    return render_template(
        "owner/edit.html",
        form=form,
        title=title,
        week_start=week_start,
        back=url_for(listing, start=week_start.isoformat()),
    ), (400 if form.errors else 200)


@bp.get("/venues")
def venues() -> Any:
    """Venues, their rooms and their reformers (with service state)."""
    week_start = _data_week()
    session = get_session()
    week = load_stored_week(session=session, week_start=week_start)
    return render_template("owner/venues.html", week=week, week_start=week_start, format_time=_when)


@bp.route("/venues/<key>", methods=["GET", "POST"])
def venue_edit(key: str) -> Any:
    """A venue's name and opening hours."""
    week_start = _data_week()
    session = get_session()
    venue = _data_row_or_404(models.Venue, week_start, key)
    windows = session.exec(
        select(models.OpeningWindow).where(models.OpeningWindow.venue_id == venue.id)
    ).all()
    form = _data_form(forms.VenueForm, venue)
    if request.method == "GET":
        form.opening.data = format_windows(windows)
    if form.validate_on_submit():
        update_venue(
            session=session, venue_id=venue.id, name=form.name.data, opening=form.opening.parsed
        )
        return _saved(form.name.data, "owner.venues", week_start)
    return _edit_page(form, f"Venue {venue.name}", week_start, "owner.venues")


@bp.route("/rooms/<key>", methods=["GET", "POST"])
def room_edit(key: str) -> Any:
    """A room's mat spaces and its reformers' features."""
    week_start = _data_week()
    session = get_session()
    room = _data_row_or_404(models.Room, week_start, key)
    machines = session.exec(
        select(models.Reformer)
        .where(models.Reformer.room_id == room.id)
        .order_by(models.Reformer.id)
    ).all()
    form = _data_form(forms.RoomForm, room)
    if request.method == "GET":
        form.reformers.data = "\n".join(f"{m.key} {' '.join(m.features)}".strip() for m in machines)
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
            return _saved(f"Room {key}", "owner.venues", week_start)
    return _edit_page(form, f"Room {key}", week_start, "owner.venues")


@bp.get("/class-types")
def class_types() -> Any:
    """The kinds of class the studio runs."""
    week_start = _data_week()
    week = load_stored_week(session=get_session(), week_start=week_start)
    return render_template("owner/class_types.html", week=week, week_start=week_start)


@bp.route("/class-types/<key>", methods=["GET", "POST"])
def class_type_edit(key: str) -> Any:
    """A class type's name, length, sizes, levels and requirements."""
    week_start = _data_week()
    session = get_session()
    row = _data_row_or_404(models.ClassType, week_start, key)
    form = _data_form(forms.ClassTypeForm, row)
    if request.method == "GET":
        form.levels.data = ", ".join(row.levels)
    if form.validate_on_submit():
        update_class_type(session=session, class_type_id=row.id, **form.values())
        return _saved(form.name.data, "owner.class_types", week_start)
    return _edit_page(form, f"Class type {row.name}", week_start, "owner.class_types")


@bp.get("/instructors")
def instructors() -> Any:
    """The instructors, what they teach and when they are available."""
    week_start = _data_week()
    week = load_stored_week(session=get_session(), week_start=week_start)
    return render_template(
        "owner/instructors.html",
        week=week,
        week_start=week_start,
        windows=format_instructor_windows,
    )


@bp.route("/instructors/<key>", methods=["GET", "POST"])
def instructor_edit(key: str) -> Any:
    """An instructor's details, and their availability (checked against the plan)."""
    week_start = _data_week()
    session = get_session()
    row = _data_row_or_404(models.Instructor, week_start, key)
    week = load_stored_week(session=session, week_start=week_start)
    form = _data_form(forms.InstructorForm, row)
    form.venue_keys = {v.id for v in week.venues}
    if request.method == "GET":
        form.teaches.data = ", ".join(row.teaches)
        form.availability.data = format_instructor_windows(week.instructor_by_id[key].availability)
    if form.validate_on_submit():
        unknown = sorted(set(form.teaches.parsed) - {c.id for c in week.class_types})
        if unknown:
            form.teaches.errors.append(f"Unknown class type: {', '.join(unknown)}")
        else:
            try:
                update_instructor(session=session, instructor_id=row.id, **form.values())
                edits.set_instructor_availability(
                    session=session,
                    week_start=week_start,
                    instructor=key,
                    windows=form.availability.parsed,
                )
            except RuleBroken as exc:
                form.availability.errors.extend(exc.rule_words)
                _refused(exc)
            else:
                return _saved(form.name.data, "owner.instructors", week_start)
    return _edit_page(form, f"Instructor {row.name}", week_start, "owner.instructors")


@bp.get("/clients")
def clients() -> Any:
    """The week's clients, searchable, with the CSV import."""
    week_start = _data_week()
    session = get_session()
    week_row = _week_row_of(week_start)
    query = select(models.Client).where(models.Client.week_id == week_row.id)
    text = request.args.get("q", "").strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            models.Client.name.ilike(like)
            | models.Client.key.ilike(like)
            | models.Client.email.ilike(like)
        )
    rows = session.exec(query.order_by(models.Client.name)).all()
    return render_template(
        "owner/clients.html",
        rows=rows,
        week_start=week_start,
        q=text,
        import_form=forms.ClientsImportForm(),
    )


@bp.route("/clients/<key>", methods=["GET", "POST"])
def client_edit(key: str) -> Any:
    """A client's details, hours, venues and wishes."""
    week_start = _data_week()
    session = get_session()
    row = _data_row_or_404(models.Client, week_start, key)
    week = load_stored_week(session=session, week_start=week_start)
    wants = session.exec(select(models.Want).where(models.Want.client_id == row.id)).all()
    form = _data_form(forms.ClientForm, row)
    form.known(week)
    if request.method == "GET":
        form.fill(row, wants, format_availability)
    if form.validate_on_submit():
        update_client(session=session, client_id=row.id, **form.values())
        return _saved(form.name.data, "owner.clients", week_start)
    return _edit_page(form, f"Client {row.name}", week_start, "owner.clients")


@bp.post("/clients/import")
def clients_import() -> Any:
    """Add or update clients from a CSV file: all rows, or none with every error by line."""
    week_start = _data_week()
    form = forms.ClientsImportForm()
    session = get_session()
    if form.validate_on_submit():
        text = form.file.data.read().decode("utf-8-sig", errors="replace")
        try:
            done = import_clients_csv(session=session, week_start=week_start, text=text)
            session.commit()
        except CsvError as exc:
            session.rollback()
            form.file.errors.extend(exc.errors)
        else:
            flash(f"Imported: {done.added} added, {done.updated} updated.", "success")
            return redirect(url_for("owner.clients", start=week_start.isoformat()))
    week_row = _week_row_of(week_start)
    rows = session.exec(
        select(models.Client)
        .where(models.Client.week_id == week_row.id)
        .order_by(models.Client.name)
    ).all()
    return render_template(
        "owner/clients.html", rows=rows, week_start=week_start, q="", import_form=form
    ), 400


def format_windows(windows: Any) -> str:
    """Opening windows as lines of `Mon 07:00-21:00`."""
    return "\n".join(_span(w.start, w.end) for w in sorted(windows, key=lambda w: w.start))


def _span(start: int, end: int) -> str:
    day = start // MINUTES_PER_DAY
    until = end - day * MINUTES_PER_DAY
    return f"{DAYS[day].title()} {_clock(start)}-{format_time(until)}"


def format_instructor_windows(windows: Any) -> str:
    """An instructor's windows as lines of `Tue 09:00-13:00 hitchin stevenage`."""
    return "\n".join(
        f"{format_windows([w])} {' '.join(w.venues)}"
        for w in sorted(windows, key=lambda w: w.start)
    )
