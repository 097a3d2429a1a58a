"""Rule 10 for one reformer session: give each client their own reformer carrying their needs.

Which client takes which machine is a bipartite matching (clients to the room's
reformers in service that carry every feature the client needs). It is small
(a room holds a handful of machines), so augmenting paths solve it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from solver.domain import Client, Reformer, Room


def assign_reformers(
    room: Room, clients: Iterable[Client], fixed: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """Each client's own reformer in `room` (client id -> reformer id), or None if impossible.

    `fixed` keeps the reformers already given to some of the clients (a pinned
    place keeps its machine); a fixed reformer must itself be in service, carry
    the client's needs and be nobody else's.
    """
    fixed = dict(fixed or {})
    in_service = {r.id: r for r in room.reformers_in_service}
    clients = list(clients)
    taken: dict[str, str] = {}  # reformer id -> client id
    for c in clients:
        if c.id not in fixed:
            continue
        machine = in_service.get(fixed[c.id])
        if machine is None or not c.needs <= machine.features or machine.id in taken:
            return None
        taken[machine.id] = c.id
    free = [r for r in in_service.values() if r.id not in taken]
    to_place = [c for c in clients if c.id not in fixed]
    if len(to_place) > len(free):
        return None
    options = {c.id: _fitting(c, free) for c in to_place}
    # Hardest clients first: fewer augmenting steps, and a deterministic result.
    to_place.sort(key=lambda c: len(options[c.id]))
    matched: dict[str, str] = {}  # free reformer id -> client id
    for c in to_place:
        if not _augment(c.id, options, matched, set()):
            return None
    given = {client_id: reformer_id for reformer_id, client_id in matched.items()}
    given.update({c.id: fixed[c.id] for c in clients if c.id in fixed})
    return given


def _fitting(client: Client, reformers: list[Reformer]) -> list[str]:
    """Reformers carrying every feature the client needs, plainest first.

    Plain machines first keeps the featured ones for clients who need them.
    """
    fit = [r for r in reformers if client.needs <= r.features]
    fit.sort(key=lambda r: len(r.features))
    return [r.id for r in fit]


def _augment(
    client_id: str, options: dict[str, list[str]], matched: dict[str, str], seen: set[str]
) -> bool:
    """Kuhn's augmenting path from `client_id`; updates `matched` when one is found."""
    for reformer_id in options[client_id]:
        if reformer_id in seen:
            continue
        seen.add(reformer_id)
        holder = matched.get(reformer_id)
        if holder is None or _augment(holder, options, matched, seen):
            matched[reformer_id] = client_id
            return True
    return False
