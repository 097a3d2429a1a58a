"""The OpenAPI 3.1 document of /api/v1, assembled from the response models.

Each endpoint is one `Operation` in `OPERATIONS`: its method and path, who may
call it, its parameters, the model of its request body and of its answer
(`scheduler.formats.api`). The schemas are pydantic's JSON Schema of those
models, which is the dialect OpenAPI 3.1 speaks (draft 2020-12), placed under
`components/schemas`. A write needs the sign-in cookie and the page's CSRF token
in its `X-CSRFToken` header, both named in its security. A test checks that
every route and method of the blueprint has its operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter
from pydantic.json_schema import models_json_schema

from scheduler.formats.api import (
    BookedSpace,
    CancelAsked,
    CancelledPlace,
    ClassAsked,
    ClientAllocations,
    ClientCredits,
    Error,
    IntroAsked,
    IntroBooked,
    IntroTimes,
    LeftWaitlist,
    PlaceMoves,
    RegisterMark,
    RegisterMarkAsked,
    WaitingPlace,
    WeekList,
    WeekPlan,
    WeekSessions,
)
from scheduler.formats.schemas import DOCUMENTS
from scheduler.formats.validation import IsoDate

API_VERSION = "1.0.0"

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Parameter:
    """A path or query parameter; its schema is that of `kind`."""

    name: str
    where: Literal["path", "query"]
    kind: Any
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        """The parameter as OpenAPI writes it."""
        out = {"name": self.name, "in": self.where, "required": self.where == "path"}
        if self.description:
            out["description"] = self.description
        return {**out, "schema": TypeAdapter(self.kind).json_schema()}


@dataclass(frozen=True)
class Operation:
    """One endpoint: what it answers (a model, or any JSON object) and its errors.

    A write (`method` other than get) may take a JSON `body` and answers `status`.
    """

    path: str
    operation_id: str
    summary: str
    answer: str
    response: type[BaseModel] | None
    parameters: tuple[Parameter, ...] = ()
    errors: dict[int, str] = field(default_factory=dict)
    public: bool = False
    method: Literal["get", "post", "delete"] = "get"
    body: type[BaseModel] | None = None
    body_required: bool = True
    status: int = 200


WEEK_PATH = Parameter("week_start", "path", IsoDate, "The Monday the week starts on.")
WEEK_QUERY = Parameter(
    "week", "query", IsoDate, "The Monday of the week; by default this week or the next published."
)
SIGNED_IN = {401: "Not signed in."}
CLIENT_WRITE = {
    400: "A malformed body, or the CSRF token missing or wrong.",
    401: "Not signed in.",
    403: "The caller is not a client.",
}
SESSION_PATH = Parameter("session_id", "path", str, "The class: its session id in the week's plan.")
PLAN_PICKED = (
    Parameter("status", "query", Literal["draft", "published"]),
    Parameter("version", "query", Annotated[int, Field(ge=1)]),
)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/weeks",
        "listWeeks",
        "Every stored week with its published plan version.",
        "The weeks, earliest first.",
        WeekList,
        public=True,
    ),
    Operation(
        "/weeks/{week_start}/sessions",
        "listWeekSessions",
        "The week's published sessions with spaces left (no client names).",
        "The published timetable; empty if nothing is published.",
        WeekSessions,
        (WEEK_PATH,),
        {404: "No such week."},
        public=True,
    ),
    Operation(
        "/weeks/{week_start}/plan",
        "getWeekPlan",
        "The owner's full plan of the week, with client names.",
        "The plan and its version.",
        WeekPlan,
        (WEEK_PATH, *PLAN_PICKED),
        {
            400: "A malformed status or version.",
            **SIGNED_IN,
            404: "No such plan, or the caller is not the owner.",
        },
    ),
    Operation(
        "/weeks/{week_start}/plan/sessions/{session_id}/places/{client_id}/moves",
        "listPlaceMoves",
        "Where a client's place in a class of the owner's plan can move, best first.",
        "The classes the client fits, ranked by the week's figures after the move, each with"
        " the reformer they would get; then the classes they do not fit, with the reasons.",
        PlaceMoves,
        (
            WEEK_PATH,
            Parameter("session_id", "path", str, "The class the client is in now."),
            Parameter("client_id", "path", str),
            *PLAN_PICKED,
        ),
        {
            400: "A malformed status or version.",
            **SIGNED_IN,
            404: "No such plan or place, or the caller is not the owner.",
        },
    ),
    Operation(
        "/me/allocations",
        "getMyAllocations",
        "The signed-in client's places in a published week.",
        "The client's week.",
        ClientAllocations,
        (WEEK_QUERY,),
        {**SIGNED_IN, 404: "No such week, or the caller is not a client."},
    ),
    Operation(
        "/clients/{client_id}/allocations",
        "getClientAllocations",
        "A client's places: the owner reads anyone's, a client their own.",
        "The client's week.",
        ClientAllocations,
        (Parameter("client_id", "path", str), WEEK_QUERY),
        {**SIGNED_IN, 404: "No such client or week, or another client's."},
    ),
    # The intro 1-2-1 of a new client.
    Operation(
        "/me/intro-times",
        "listMyIntroTimes",
        "The signed-in new client's intro booked in a published week, or the times to book it.",
        "The intro booked, or the free times, one per start, earliest first.",
        IntroTimes,
        (WEEK_QUERY,),
        {
            **SIGNED_IN,
            403: "The caller is not a client.",
            404: "No such published week.",
            409: "No intro to book, `error` saying why: not_needed, already, rules.",
        },
    ),
    Operation(
        "/me/intros",
        "bookMyIntro",
        "Book the signed-in new client's intro 1-2-1 at one of their intro times.",
        "The intro booked.",
        IntroBooked,
        errors={
            400: "A malformed body, or the CSRF token (X-CSRFToken) missing or wrong.",
            **SIGNED_IN,
            403: "The caller is not a client.",
            404: "No published week holds that time.",
            409: "Refused, `error` saying why: not_needed, already, too_soon, started, rules,"
            " taken.",
        },
        method="post",
        body=IntroAsked,
        status=201,
    ),
    Operation(
        "/me/allocations/{session_id}/cancel",
        "cancelMyAllocation",
        "Cancel the signed-in client's place in a class for one week.",
        "The place given up: before the studio's cut-off it earns a make-up credit, after it"
        " is late. The space goes to the class's waitlist at once.",
        CancelledPlace,
        (SESSION_PATH,),
        {**CLIENT_WRITE, 404: "No place of the client's in that class.", 409: "It has started."},
        method="post",
        body=CancelAsked,
        body_required=False,
    ),
    Operation(
        "/me/bookings",
        "bookASpace",
        "Book a free space in a published class, with a make-up credit or as a drop-in.",
        "The place booked.",
        BookedSpace,
        errors={
            **CLIENT_WRITE,
            404: "No such published class.",
            409: "Refused, `error` saying why: full, started, no_credit, rules, taken, already.",
        },
        method="post",
        body=ClassAsked,
        status=201,
    ),
    Operation(
        "/me/waitlist",
        "joinAWaitlist",
        "Wait for a space in a full class; a freed space is booked for the first in line.",
        "The client's place in line (the order is fair: priority, then missed weeks, then"
        " who asked first).",
        WaitingPlace,
        errors={
            **CLIENT_WRITE,
            404: "No such published class.",
            409: "Refused, `error` saying why: not_full, started, no_credit, rules, already.",
        },
        method="post",
        body=ClassAsked,
        status=201,
    ),
    Operation(
        "/me/waitlist/{session_id}",
        "leaveAWaitlist",
        "Leave a class's waitlist.",
        "The client is off the waitlist.",
        LeftWaitlist,
        (SESSION_PATH, WEEK_QUERY),
        {**CLIENT_WRITE, 404: "The client is not waiting for that class."},
        method="delete",
    ),
    Operation(
        "/me/credits",
        "getMyCredits",
        "The signed-in client's make-up credits.",
        "Each credit with the class given up for it, its last day and the class it paid for.",
        ClientCredits,
        errors={**SIGNED_IN, 403: "The caller is not a client."},
    ),
    Operation(
        "/weeks/{week_start}/sessions/{session_id}/register",
        "markRegister",
        "Mark a client of a class attended or a no-show, as its instructor or the owner.",
        "The mark made; a later mark of the same client replaces it.",
        RegisterMark,
        (
            WEEK_PATH,
            Parameter("session_id", "path", str, "The class of the week's published plan."),
        ),
        {
            400: "A body that is not a mark, or no CSRF token.",
            **SIGNED_IN,
            404: "No such class or place, or not the caller's class to mark.",
            409: "The class has not started: its register opens then (`not_started`).",
        },
        method="post",
        body=RegisterMarkAsked,
    ),
    Operation(
        "/schemas/{name}.json",
        "getDocumentSchema",
        "The JSON Schema of a document: reformer-week/1, reformer-plan/1 or reformer-scenario/1.",
        "The JSON Schema (draft 2020-12).",
        None,
        (Parameter("name", "path", Literal[tuple(DOCUMENTS)], "Which document."),),
        {404: "No such document."},
        public=True,
    ),
    Operation(
        "/openapi.json",
        "getOpenApi",
        "This document.",
        "The OpenAPI document.",
        None,
        public=True,
    ),
)


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(op: Operation) -> dict[str, Any]:
    answer = _ref(op.response) if op.response else {"type": "object"}
    responses = {str(op.status): {"description": op.answer, **_json(answer)}}
    for code, description in op.errors.items():
        responses[str(code)] = {
            "description": description,
            **_json({"$ref": REF.format(model="Error")}),
        }
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.public:
        out["security"] = [{}]
    elif op.method != "get":
        out["security"] = [{"signInCookie": [], "csrfToken": []}]
    if op.parameters:
        out["parameters"] = [p.as_json() for p in op.parameters]
    if op.body is not None:
        out["requestBody"] = {"required": op.body_required, **_json(_ref(op.body))}
    return {**out, "responses": responses}


def _paths() -> dict[str, dict[str, Any]]:
    """Each path with its operations by method."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return paths


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every endpoint of the API blueprint."""
    # A request body is described as it is read, an answer as it is written.
    bodies = [(op.body, "validation") for op in OPERATIONS if op.body]
    answers = [(op.response, "serialization") for op in OPERATIONS if op.response]
    _, schemas = models_json_schema(
        list(dict.fromkeys([(Error, "serialization"), *bodies, *answers])), ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Reformer studio API",
            "version": API_VERSION,
            "description": "Weeks, the published timetable, plans, the registers, and a"
            " client's own places: cancelling one, booking a free space, waiting for a full"
            " class, booking the intro.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"signInCookie": []}],
        "paths": _paths(),
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "signInCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The session cookie set by signing in on the site.",
                },
                "csrfToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "On every write: the token in the csrf-token meta tag of a"
                    " page the same sign-in shows.",
                },
            },
        },
    }


def _paths() -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return paths
