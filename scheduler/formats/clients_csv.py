"""The clients CSV format: parsed into clients, or refused with every error by line.

Columns (a header row names them, in any order):

- required: `name`, `email`, `phone` (may be blank), `level`, `venues`
  (ids or names, `;`-separated), `availability` (`Mon 17:30-21:00; Sat 08:00-12:00`);
- optional: `id`, `priority` (a whole number from 1 to 100, default 1), `needs_intro`,
  `cleared` (yes/no), `needs` (`raised`), `max_per_day` (1 to 10, default 1),
  `missed_weeks` (0 to 52, default 0: of the last few weeks, those without a want met),
  `wants` (`reformer x2; mat`, or `reformer|reformer-advanced x2` for a choice; 1 to 20
  a week), `prefers_venues`.

Every cell keeps the bounds of `reformer-week/1` (`scheduler.formats.bounds`). The file
is UTF-8 (a BOM allowed), UTF-16 with its BOM, or else read as Windows-1252, the
encoding spreadsheets on Windows save in, so "Renée" survives either way.

A row names an existing client by `id`, or else by e-mail, and updates them:
an optional column the file leaves out (their wants, priority, missed weeks...)
keeps what the studio has. Any other row adds a client. Errors read
`line 4, availability: ...`, the line as a spreadsheet numbers it (the header is
line 1)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import replace

from scheduler.formats import bounds
from scheduler.formats.times import parse_time
from solver.domain import DAYS, MINUTES_PER_DAY, Client, Want, Week, Window

REQUIRED = ("name", "email", "phone", "level", "venues", "availability")


OPTIONAL = (
    "id",
    "priority",
    "needs_intro",
    "cleared",
    "needs",
    "max_per_day",
    "missed_weeks",
    "wants",
    "prefers_venues",
)


_DAY_NAMES = {
    **{d: i for i, d in enumerate(DAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}


_SPAN = re.compile(r"^(?P<day>[A-Za-z]+)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")


_WANT = re.compile(r"^(?P<types>.+?)(?:\s+x\s*(?P<count>[0-9]+))?$")


_EMAIL = re.compile(bounds.EMAIL_PATTERN.replace("$", r"\Z"))


_PHONE = re.compile(bounds.PHONE_PATTERN.replace("$", r"\Z"))


_YES = ("yes", "y", "true", "1")


_NO = ("no", "n", "false", "0", "")


class CsvError(ValueError):
    """A CSV file that cannot be imported; `errors` lists each problem by line and column."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def decode_csv(data: bytes) -> str:
    """A CSV file's bytes as text: UTF-8 or UTF-16 by their BOM, UTF-8, else Windows-1252.

    Raises `CsvError` for a file that is none of them (a NUL byte: not text).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvError(["line 1: not readable as UTF-16 text"]) from None
    if b"\0" in data:
        raise CsvError(["line 1: not a text file; save it as CSV (UTF-8)"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_availability(text: str) -> tuple[Window, ...]:
    """`"Mon 17:30-21:00; Sat 08:00-12:00"` as windows; raises ValueError saying what is wrong."""
    windows = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"'{part}' is not a day and hours like 'Mon 17:30-21:00'")
        day = _DAY_NAMES.get(match["day"].lower())
        if day is None:
            raise ValueError(f"'{match['day']}' is not a day of the week")
        start, end = (parse_time(match[k].zfill(5)) for k in ("start", "end"))
        if start is None or end is None:
            raise ValueError(f"'{part}' has a time that is not HH:MM between 00:00 and 24:00")
        if end <= start:
            raise ValueError(f"'{part}' ends before it starts")
        base = day * MINUTES_PER_DAY
        windows.append(Window(base + start, base + end))
    return tuple(windows)


def format_availability(windows: tuple[Window, ...]) -> str:
    """Windows as the CSV writes them: `Mon 17:30-21:00; Sat 08:00-12:00`."""
    parts = []
    for w in windows:
        day, base = w.start // MINUTES_PER_DAY, (w.start // MINUTES_PER_DAY) * MINUTES_PER_DAY
        start, end = w.start - base, w.end - base
        parts.append(
            f"{DAYS[day].title()} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
        )
    return "; ".join(parts)


def parse_clients_csv(
    text: str | bytes, *, week: Week, known: Mapping[str, str]
) -> list[tuple[int, Client, frozenset[str]]]:
    """Read every row against `week`: (line, client, the file's columns), or `CsvError`.

    `text` is the file's text, or its bytes (decoded as `decode_csv` does).

    `known` maps lower-case e-mail addresses to the ids of the week's clients,
    so a row without an `id` updates the client with its e-mail.
    """
    if isinstance(text, bytes):
        text = decode_csv(text)
    # Lines may end in \r, \n or both, as the csv module reads them when left untranslated.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _rows(reader, week=week, known=known)
    except csv.Error as exc:
        raise CsvError([f"line {reader.line_num or 1}: not readable as CSV: {exc}"]) from None


def _rows(
    reader: csv.DictReader, *, week: Week, known: Mapping[str, str]
) -> list[tuple[int, Client, frozenset[str]]]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    errors = [f"line 1: missing column '{c}'" for c in missing]
    errors += [f"line 1: unknown column '{c}'" for c in unknown]
    if errors:
        raise CsvError(errors)
    reader.fieldnames = header
    context = _Context(week)
    out: list[tuple[int, Client, frozenset[str]]] = []
    columns = frozenset(header)
    emails: dict[str, int] = {}
    ids: dict[str, int] = {}
    taken = {c.id for c in week.clients}
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        client = context.client(line, {k: (v or "").strip() for k, v in row.items() if k})
        if client is None:
            continue
        email = (client.email or "").lower()
        if email in emails:
            context.error(line, "email", f"{client.email} is also on line {emails[email]}")
        emails[email] = line
        if client.id == "":
            client = replace(client, id=known.get(email) or _next_id(taken))
        if client.id in ids:
            context.error(line, "id", f"client '{client.id}' is also on line {ids[client.id]}")
        ids[client.id] = line
        taken.add(client.id)
        out.append((line, client, columns))
    if context.errors:
        raise CsvError(context.errors)
    return out


def _next_id(taken: set[str]) -> str:
    n = len(taken) + 1
    while f"c{n:04d}" in taken:
        n += 1
    return f"c{n:04d}"


class _Context:
    """Reads one row's cells against the week, collecting errors by line and column."""

    def __init__(self, week: Week):
        self.errors: list[str] = []
        self.venues = {v.id: v.id for v in week.venues} | {
            v.name.lower(): v.id for v in week.venues
        }
        self.class_types = {c.id: c for c in week.class_types} | {
            c.name.lower(): c for c in week.class_types
        }
        self.levels = sorted({level for c in week.class_types for level in c.levels})
        self.features = {
            f for room in week.rooms.values() for r in room.reformers for f in r.features
        }

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(f"line {line}, {column}: {message}")

    def client(self, line: int, row: dict[str, str]) -> Client | None:
        before = len(self.errors)
        name = row["name"]
        if not name:
            self.error(line, "name", "is required")
        self._length(line, "name", name, bounds.NAME_LENGTH)
        self._length(line, "id", row.get("id", ""), bounds.ID_LENGTH)
        email = row["email"]
        if len(email) > bounds.EMAIL_LENGTH or not _EMAIL.match(email):
            self.error(line, "email", f"'{email}' is not an e-mail address")
        phone = row["phone"]
        if phone and (len(phone) > bounds.PHONE_LENGTH or not _PHONE.match(phone)):
            self.error(line, "phone", f"'{phone}' is not a phone number")
        level = row["level"].lower()
        if level not in self.levels:
            self.error(line, "level", f"'{row['level']}' is not one of {', '.join(self.levels)}")
        if not row["venues"]:
            self.error(line, "venues", "is required")
        venues = self._venues(line, "venues", row["venues"])
        try:
            availability = parse_availability(row["availability"])
        except ValueError as exc:
            self.error(line, "availability", str(exc))
            availability = ()
        wants = self._wants(line, row.get("wants", ""))
        needs = tuple(n.strip().lower() for n in row.get("needs", "").split(";") if n.strip())
        for need in needs:
            if need not in self.features:
                self.error(line, "needs", f"no reformer has the feature '{need}'")
        needs_intro = self._yes_no(line, "needs_intro", row.get("needs_intro", ""))
        if needs_intro and not any(
            self.class_types[t].one_to_one for w in wants for t in w.class_types
        ):
            self.error(
                line, "needs_intro", "a client who needs an intro must want a one-to-one class type"
            )
        client = Client(
            id=row.get("id", ""),
            name=name,
            level=level,
            priority=self._whole(line, "priority", row.get("priority", ""), bounds.PRIORITY),
            needs_intro=needs_intro,
            cleared=self._yes_no(line, "cleared", row.get("cleared", "")),
            needs=frozenset(needs),
            venues=venues,
            max_per_day=self._whole(
                line, "max_per_day", row.get("max_per_day", ""), bounds.MAX_PER_DAY
            ),
            missed_weeks=self._whole(
                line, "missed_weeks", row.get("missed_weeks", ""), bounds.MISSED_WEEKS
            ),
            availability=availability,
            wants=wants,
            prefers_venues=self._venues(line, "prefers_venues", row.get("prefers_venues", "")),
            email=email or None,
            phone=row["phone"] or None,
        )
        return client if len(self.errors) == before else None

    def _venues(self, line: int, column: str, text: str) -> tuple[str, ...]:
        out = []
        for part in (p.strip() for p in re.split(r"[;,]", text)):
            if not part:
                continue
            venue = self.venues.get(part) or self.venues.get(part.lower())
            if venue is None:
                self.error(line, column, f"unknown venue '{part}'")
            elif venue not in out:
                out.append(venue)
        return tuple(out)

    def _wants(self, line: int, text: str) -> tuple[Want, ...]:
        wants = []
        seen: set[str] = set()
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            match = _WANT.match(part)
            types = []
            for name in (t.strip().lower() for t in match["types"].split("|")):
                class_type = self.class_types.get(name)
                if class_type is None:
                    self.error(line, "wants", f"unknown class type '{name}'")
                elif class_type.id in seen:
                    self.error(line, "wants", f"class type '{class_type.id}' is wanted twice")
                else:
                    seen.add(class_type.id)
                    types.append(class_type.id)
            count = int(match["count"] or 1)
            low, high = bounds.PER_WEEK
            if not low <= count <= high:
                self.error(line, "wants", f"'{part}' must ask for {low} to {high} places a week")
            if types:
                wants.append(Want(tuple(types), count))
        return tuple(wants)

    def _yes_no(self, line: int, column: str, text: str) -> bool:
        if text.lower() in _YES:
            return True
        if text.lower() not in _NO:
            self.error(line, column, f"'{text}' is not yes or no")
        return False

    def _whole(self, line: int, column: str, text: str, bound: tuple[int, int]) -> int:
        """A whole number within `bound`; blank is the lowest."""
        low, high = bound
        if not text:
            return low
        if not re.fullmatch(r"[0-9]{1,9}", text) or not low <= int(text) <= high:
            self.error(line, column, f"'{text}' is not a whole number from {low} to {high}")
            return low
        return int(text)

    def _length(self, line: int, column: str, text: str, most: int) -> None:
        if len(text) > most:
            self.error(line, column, f"is {len(text)} characters long; at most {most}")
