"""Rule 10 helper: each client gets their own reformer carrying every feature they need."""

from solver.reformers import assign_reformers
from tests.builders import client, reformer, room


def test_each_client_gets_a_distinct_reformer_carrying_their_needs():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2"), reformer("R3")])
    clients = [client("plain1"), client("raised", needs=["raised"]), client("plain2")]

    given = assign_reformers(studio, clients)

    assert given is not None
    assert given["raised"] == "R1"
    assert len(set(given.values())) == 3


def test_plain_client_moves_off_the_only_raised_reformer_when_a_later_client_needs_it():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2")])
    # The plain client is listed first and could take R1; matching must still fit both.
    clients = [client("plain"), client("raised", needs=["raised"])]

    given = assign_reformers(studio, clients)

    assert given == {"plain": "R2", "raised": "R1"}


def test_no_assignment_when_two_clients_need_the_only_raised_reformer():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2")])
    clients = [client("a", needs=["raised"]), client("b", needs=["raised"])]

    assert assign_reformers(studio, clients) is None


def test_reformers_out_of_service_are_never_given():
    studio = room(reformers=[reformer("R1", in_service=False), reformer("R2")])

    assert assign_reformers(studio, [client("a")]) == {"a": "R2"}
    assert assign_reformers(studio, [client("a"), client("b")]) is None


def test_fixed_reformers_are_kept_and_others_fit_around_them():
    studio = room(reformers=[reformer("R1", ["raised"]), reformer("R2")])
    clients = [client("pinned"), client("raised", needs=["raised"])]

    assert assign_reformers(studio, clients, fixed={"pinned": "R1"}) is None
    assert assign_reformers(studio, clients, fixed={"pinned": "R2"}) == {
        "pinned": "R2",
        "raised": "R1",
    }


def test_fixed_reformer_lacking_the_clients_needs_is_refused():
    studio = room(reformers=[reformer("R1"), reformer("R2")])

    assert assign_reformers(studio, [client("a", needs=["tower"])], fixed={"a": "R1"}) is None
