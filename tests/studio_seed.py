"""A small studio with a published week, for the client, public, API and browser tests.

Two venues (Hitchin with a 3-reformer studio, Stevenage with a mat hall), one
instructor, and three clients: Ann and Bea share Monday's reformer class (Ann
on R2, Bea on R1), Ann also has Wednesday's mat class, and Cat's want is unmet.
The hand-made plan is checked against the hard rules before it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from scheduler.clients.access import issue_sign_in_link
from scheduler.core.dates import coming_monday
from scheduler.store.plans import save_plan
from scheduler.store.weeks import save_week
from solver.checker import check_plan
from solver.domain import Plan, Unplaced, Week
from tests.builders import (
    allocation,
    class_type,
    client,
    instructor,
    plan,
    room,
    session,
    venue,
    want,
    week,
)
from web import create_app

ANN, BEA, CAT = "c-ann", "c-bea", "c-cat"
EMAILS = {ANN: "ann@example.com", BEA: "bea@example.com", CAT: "cat@example.com"}
CAT_REASON = "every mat class in the client's hours is full"


@dataclass(frozen=True)
class Seeded:
    week: Week
    plan: Plan
    week_start: date


def studio_week(week_start: date) -> Week:
    """The small studio's week starting `week_start`."""
    venues = [
        venue("hitchin", rooms=[room("hitchin-studio", reformers=3, mat_spaces=6)], name="Hitchin"),
        venue(
            "stevenage",
            rooms=[room("stevenage-hall", reformers=0, mat_spaces=12)],
            name="Stevenage",
        ),
    ]
    class_types = [
        class_type("reformer", name="Reformer"),
        class_type("mat", name="APPI Mat"),
        class_type("121-reformer", name="1-2-1 Reformer"),
    ]
    clients = [
        replace(
            client(
                ANN,
                wants=[want("reformer", 1), want("mat", 1)],
                venues=["hitchin", "stevenage"],
                name="Ann Archer",
            ),
            email=EMAILS[ANN],
        ),
        replace(client(BEA, name="Bea Brown"), email=EMAILS[BEA]),
        replace(
            client(
                CAT,
                wants=[want("mat", 1)],
                availability=[("fri", "07:00", "08:00")],
                name="Cat Cole",
            ),
            email=EMAILS[CAT],
        ),
    ]
    return week(
        venues=venues,
        class_types=class_types,
        instructors=[
            instructor(
                "jo",
                teaches=["reformer", "mat", "121-reformer"],
                venues=["hitchin", "stevenage"],
                name="Jo Evans",
            )
        ],
        travel={("hitchin", "stevenage"): 20},
        clients=clients,
        week_start=week_start.isoformat(),
    )


def studio_plan() -> Plan:
    """Monday's reformer class at Hitchin (Bea R1, Ann R2), Wednesday's mat at Stevenage (Ann)."""
    monday = session("reformer", "mon", "09:30", room="hitchin-studio", venue="hitchin")
    wednesday = session("mat", "wed", "18:00", room="stevenage-hall", venue="stevenage")
    made = plan(
        [monday, wednesday],
        [allocation(BEA, monday, "R1"), allocation(ANN, monday, "R2"), allocation(ANN, wednesday)],
    )
    return replace(made, unplaced=(Unplaced(CAT, ("mat",), 1, (CAT_REASON,)),))


def seed_studio(db: Session, week_start: date | None = None, publish: bool = True) -> Seeded:
    """Store the studio's week and (published, by default) its plan; commits."""
    week_start = week_start or coming_monday()
    the_week = studio_week(week_start)
    the_plan = studio_plan()
    assert check_plan(the_week, the_plan) == []
    save_week(session=db, week=the_week)
    save_plan(
        session=db,
        week_start=week_start,
        plan=the_plan,
        status="published" if publish else "draft",
    )
    db.commit()
    return Seeded(the_week, the_plan, week_start)


# --- The web app on the studio's database -------------------------------------------------------

SECRET_KEY = "test-secret-key"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(database_url: str, **config: object) -> Flask:
    """The web app on this test's database, with CSRF protection on as in production."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "ENV_NAME": "test",
        "BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,
        "SMTP_HOST": None,
    }
    settings.update(config)
    return create_app(settings)


def csrf_token(html: str | bytes) -> str:
    """The CSRF token of the first form on a page."""
    text = html.decode() if isinstance(html, bytes) else html
    found = _CSRF.search(text)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in_link(db: Session, client_key: str, **kwargs: object) -> str:
    """A fresh one-time sign-in link's path for the client."""
    link = issue_sign_in_link(
        session=db,
        client_key=client_key,
        secret_key=SECRET_KEY,
        base_url="http://localhost",
        **kwargs,
    )
    return link.url.removeprefix("http://localhost")


def sign_in_as(http: FlaskClient, db: Session, client_key: str) -> None:
    """Sign a client in through their one-time link, as they would."""
    path = sign_in_link(db, client_key)
    page = http.get(path)
    assert page.status_code == 200
    answer = http.post(path, data={"csrf_token": csrf_token(page.data)})
    assert answer.status_code == 302
