"""What every format shares: strict pydantic models, and their errors as JSON paths.

Each document (`reformer-week/1`, `reformer-plan/1`, `reformer-scenario/1`) is a
set of `Document` models. Validating one gives pydantic's errors; `error_line`
turns each into the line a user sees, its `loc` written as a JSON path
(`$.clients[3].venues[1]: unknown venue 'atlantis'`).
"""

from __future__ import annotations

import codecs
import json
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from scheduler.formats.bounds import EMAIL_PATTERN, PHONE_PATTERN, WEEK_YEARS, time_zones
from solver.domain import DAYS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

TIME_PATTERN = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BASE_PATTERN = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}|latest|next)$"  # a scenario's base week

# What a string that does not match a pattern is told, by pattern.
PATTERN_MESSAGES: dict[str, str] = {
    TIME_PATTERN: "'{value}' is not a time HH:MM between 00:00 and 24:00",
    DATE_PATTERN: "'{value}' is not a date YYYY-MM-DD",
    BASE_PATTERN: "'{value}' is not a date YYYY-MM-DD, 'latest' or 'next'",
    EMAIL_PATTERN: "'{value}' is not an e-mail address (one line, like name@example.com)",
    PHONE_PATTERN: "'{value}' is not a phone number (digits, spaces and + ( ) - . # *)",
}


class WeekError(ValueError):
    """A document that is not a valid week or plan; `errors` lists each problem with its path."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class Document(BaseModel):
    """A part of a JSON document: strict JSON types (no "15" for 15, no 1 for true)."""

    model_config = ConfigDict(strict=True, populate_by_name=True)


def _real_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("date", PATTERN_MESSAGES[DATE_PATTERN], {"value": text}) from None
    return text


def _monday(text: str) -> str:
    day = date.fromisoformat(text)
    if day.weekday() != 0:
        raise PydanticCustomError(
            "monday", "'{value}' is a {day}, not a Monday", {"value": text, "day": f"{day:%A}"}
        )
    low, high = WEEK_YEARS
    if not low <= day.year <= high:
        raise PydanticCustomError(
            "week_year",
            "'{value}' is not a week from {low} to {high}",
            {"value": text, "low": low, "high": high},
        )
    return text


def _time_zone(name: str) -> str:
    if name not in time_zones():
        raise PydanticCustomError(
            "time_zone", "'{value}' is not an IANA time zone like Europe/London", {"value": name}
        )
    return name


Time = Annotated[
    str, Field(pattern=TIME_PATTERN, description="A local time HH:MM from 00:00 to 24:00.")
]
IsoDate = Annotated[
    str,
    Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}),
    AfterValidator(_real_date),
]
Monday = Annotated[
    IsoDate,
    AfterValidator(_monday),
    Field(description="A Monday, YYYY-MM-DD: the first day of the week."),
]
TimeZone = Annotated[
    str,
    Field(max_length=64, description="An IANA time zone name, e.g. Europe/London."),
    AfterValidator(_time_zone),
]
Day = Literal[DAYS]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(**constraints: Any) -> Any:
    """A field that may be left out but, when given, is never null."""
    return Field(default=None, json_schema_extra=_no_default, **constraints)


def fail(*errors: tuple[tuple[str | int, ...], str, Any]) -> NoReturn:
    """Raise, from inside a validator, errors at places below it: (loc, message, input)."""
    raise ValidationError.from_exception_data(
        "document",
        [
            InitErrorDetails(type=PydanticCustomError("document", message), loc=loc, input=value)
            for loc, message, value in errors
        ],
    )


def json_path(loc: tuple[str | int, ...]) -> str:
    """`("clients", 3, "venues", 1)` -> `$.clients[3].venues[1]`."""
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def json_type(value: Any) -> str:
    """What a JSON value is, in words: `a string`, `a number`, `null`..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


_KINDS = {
    "int_type": "an integer",
    "string_type": "a string",
    "bool_type": "true or false",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def message(error: ErrorDetails) -> str:
    """What is wrong, in the words of the formats (without the path)."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return "is required"
    if kind in _KINDS:
        return f"must be {_KINDS[kind]}, not {json_type(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}, not {value}"
    if kind == "greater_than":
        return f"must be above {ctx['gt']}, not {value}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, not {value}"
    if kind == "less_than":
        return f"must be below {ctx['lt']}, not {value}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters, not {len(value)}"
    if kind == "too_short":
        return f"must have at least {_items(ctx['min_length'])}, not {ctx['actual_length']}"
    if kind == "too_long":
        return f"must have at most {_items(ctx['max_length'])}, not {ctx['actual_length']}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx["expected"])
        if len(allowed) == 1:
            return f"must be '{allowed[0]}', not {_shown(value)}"
        if len(allowed) == 2:
            return f"must be '{allowed[0]}' or '{allowed[1]}', not {_shown(value)}"
        return f"must be one of {' '.join(allowed)}, not {_shown(value)}"
    if kind == "string_pattern_mismatch" and ctx["pattern"] in PATTERN_MESSAGES:
        return PATTERN_MESSAGES[ctx["pattern"]].format(value=value)
    if kind == "extra_forbidden":
        return "is not a field here"
    return error["msg"]


def error_line(error: ErrorDetails) -> str:
    """One error as the user sees it: `$.path: message`."""
    return f"{json_path(error['loc'])}: {message(error)}"


def decode_text(data: bytes) -> str:
    """A file's bytes as text: UTF-8 (with or without a BOM), or UTF-16 with its BOM.

    Raises `UnicodeDecodeError` for anything else.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def load_json(data: str | bytes, refused: type[WeekError]) -> Any:
    """The JSON in a text or a file's bytes; anything else is refused at `$`, saying why."""
    try:
        return json.loads(decode_text(data) if isinstance(data, bytes) else data)
    except UnicodeDecodeError as exc:
        raise refused(
            [f"$: not UTF-8 text (byte {exc.start + 1} cannot be read); save it as UTF-8"]
        ) from None
    except json.JSONDecodeError as exc:
        raise refused(
            [f"$: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"]
        ) from None
    except RecursionError:
        raise refused(["$: nested too deeply to be a document of this studio"]) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise refused([f"$: not valid JSON ({exc})"]) from None


def read_json_file(path: str | Path, refused: type[WeekError]) -> Any:
    """The JSON in a file; a file that is not JSON text is refused at `$`, saying why."""
    return load_json(Path(path).read_bytes(), refused)


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document's model, as editors and tools read it."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}
