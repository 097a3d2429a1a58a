"""The OpenAPI 3.1 document of /api/v1, assembled from the response models.

Each endpoint is one `Operation` in `OPERATIONS`: its path and method, who may
call it, its parameters, the model of the body it takes (for a write) and of
its answer (`scheduler.formats.api`). The
schemas are pydantic's JSON Schema of those models, which is the dialect
OpenAPI 3.1 speaks (draft 2020-12), placed under `components/schemas`. A
test checks that every route of the blueprint has its operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter
from pydantic.json_schema import models_json_schema

from scheduler.formats.api import (
    ClientAllocations,
    Error,
    PlaceMoves,
    RegisterMark,
    RegisterMarkAsked,
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

    A `post` takes the JSON `body`; it is a write with the sign-in cookie, so it
    carries the page's CSRF token in a header too.
    """

    path: str
    operation_id: str
    summary: str
    answer: str
    response: type[BaseModel] | None
    parameters: tuple[Parameter, ...] = ()
    errors: dict[int, str] = field(default_factory=dict)
    public: bool = False
    method: Literal["get", "post"] = "get"
    body: type[BaseModel] | None = None


WEEK_PATH = Parameter("week_start", "path", IsoDate, "The Monday the week starts on.")
WEEK_QUERY = Parameter(
    "week", "query", IsoDate, "The Monday of the week; by default this week or the next published."
)
SIGNED_IN = {401: "Not signed in."}
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


def _operation(op: Operation) -> dict[str, Any]:
    body = {"$ref": REF.format(model=op.response.__name__)} if op.response else {"type": "object"}
    responses = {"200": {"description": op.answer, **_json(body)}}
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
        body_schema = {"$ref": REF.format(model=op.body.__name__)}
        out["requestBody"] = {"required": True, **_json(body_schema)}
    return {**out, "responses": responses}


def _paths() -> dict[str, dict[str, Any]]:
    """Each path with its operations by method."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return paths


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every endpoint of the API blueprint."""
    models = [
        Error,
        *dict.fromkeys(m for op in OPERATIONS for m in (op.response, op.body) if m is not None),
    ]
    _, schemas = models_json_schema(
        [(model, "serialization") for model in models], ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Reformer studio API",
            "version": API_VERSION,
            "description": "Weeks, the published timetable, plans, a client's own places and"
            " the registers.",
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
                    "description": "A write with the cookie carries the CSRF token of a signed-in"
                    " page too.",
                },
            },
        },
    }
