"""Clients from CSV: every row lands, or none does and each error names its line and column."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from cli import cli
from scheduler.core import models
from scheduler.formats.clients_csv import CsvError, format_availability, parse_availability
from scheduler.store.weeks import load_stored_week, save_week
from scheduler.studio.clients import import_clients_csv
from tests.builders import class_type, client, default_class_types, venue, want, week, window
from tests.stored import database_content

HEADER = "name,email,phone,level,venues,availability,wants\n"


def stored_week():
    return week(
        venues=[venue("hitchin"), venue("baldock", rooms=[], name="Baldock Town Hall")],
        class_types=[*default_class_types(), class_type("back-care", equipment="mat")],
        clients=[client("c0001", name="Ann Existing")],
    )


@pytest.fixture
def studio(db_session):
    w = stored_week()
    save_week(session=db_session, week=w)
    db_session.commit()
    return w


def test_availability_reads_as_the_studio_writes_it():
    windows = parse_availability("Mon 17:30-21:00; Sat 08:00-12:00;  tuesday 9:15-14:45")
    assert windows == (
        window("mon", "17:30", "21:00"),
        window("sat", "08:00", "12:00"),
        window("tue", "09:15", "14:45"),
    )
    assert parse_availability(format_availability(windows)) == windows


@pytest.mark.parametrize(
    "text, words",
    [
        ("Mon 17:30", "not a day and hours"),
        ("Someday 09:00-10:00", "not a day of the week"),
        ("Mon 09:00-25:00", "not HH:MM"),
        ("Mon 10:00-09:00", "ends before it starts"),
    ],
)
def test_availability_that_cannot_be_read_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_availability(text)


def test_new_clients_are_added_with_everything_the_file_says(db_session, studio):
    text = HEADER + (
        'Bea New,bea@example.org,07700 900001,improver,"Hitchin; baldock",'
        '"Mon 17:30-21:00; Sat 08:00-12:00","reformer x2; mat"\n'
    )
    result = import_clients_csv(session=db_session, week_start=studio.week_start, text=text)
    db_session.commit()
    assert (result.added, result.updated) == (1, 0)
    bea = next(
        c
        for c in load_stored_week(session=db_session, week_start=studio.week_start).clients
        if c.email == "bea@example.org"
    )
    assert bea.venues == ("hitchin", "baldock")
    assert bea.availability == (window("mon", "17:30", "21:00"), window("sat", "08:00", "12:00"))
    assert bea.wants == (want("reformer", 2), want("mat", 1))
    assert (bea.level, bea.phone, bea.name) == ("improver", "07700 900001", "Bea New")


def test_a_row_with_a_known_email_updates_that_client_and_keeps_their_id(db_session, studio):
    rows = session_rows(db_session)
    rows["c0001"].email = "ann@example.com"
    db_session.commit()
    text = "name,email,phone,level,venues,availability\n" + (
        "Ann Existing,ANN@example.com,,advanced,hitchin,Tue 06:30-09:00\n"
    )
    result = import_clients_csv(session=db_session, week_start=studio.week_start, text=text)
    db_session.commit()
    assert (result.added, result.updated) == (0, 1)
    ann = load_stored_week(session=db_session, week_start=studio.week_start).client_by_id["c0001"]
    assert ann.level == "advanced"
    assert ann.availability == (window("tue", "06:30", "09:00"),)
    # No wants column: the wants they had stand.
    assert ann.wants == studio.client_by_id["c0001"].wants


def test_an_update_keeps_what_the_file_has_no_column_for(db_session):
    ann = client(
        "c0001",
        name="Ann Existing",
        priority=3,
        missed_weeks=2,
        max_per_day=2,
        prefers_instructors=["jo"],
    )
    w = replace(stored_week(), clients=(replace(ann, email="ann@example.com"),))
    save_week(session=db_session, week=w)
    db_session.commit()
    text = "name,email,phone,level,venues,availability,cleared\n" + (
        "Ann Existing,ann@example.com,,advanced,hitchin,Tue 06:30-09:00,yes\n"
    )
    import_clients_csv(session=db_session, week_start=w.week_start, text=text)
    db_session.commit()
    after = load_stored_week(session=db_session, week_start=w.week_start).client_by_id["c0001"]
    assert (after.level, after.cleared) == ("advanced", True)
    assert (after.priority, after.missed_weeks, after.max_per_day) == (3, 2, 2)
    assert after.prefers_instructors == ("jo",)


def session_rows(db_session):
    return {r.key: r for r in db_session.exec(select(models.Client)).scalars()}


def test_every_error_is_reported_by_line_and_column_and_nothing_is_written(
    db_session, studio, engine
):
    text = HEADER + (
        "Good Row,good@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
        "Bad Venue,bad@example.org,,beginner,atlantis,Mon 09:00-12:00,reformer\n"
        "\n"
        "Bad Hours,hours@example.org,,expert,hitchin,Mon 12:00-09:00,pottery\n"
        "Twice,good@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer\n"
    )
    before = database_content(engine)
    with pytest.raises(CsvError) as caught:
        import_clients_csv(session=db_session, week_start=studio.week_start, text=text)
    db_session.rollback()
    assert caught.value.errors == [
        "line 3, venues: unknown venue 'atlantis'",
        "line 5, level: 'expert' is not one of advanced, beginner, improver",
        "line 5, availability: 'Mon 12:00-09:00' ends before it starts",
        "line 5, wants: unknown class type 'pottery'",
        "line 6, email: good@example.org is also on line 2",
    ]
    assert database_content(engine) == before


def test_a_file_without_a_required_column_is_refused_at_line_1(db_session, studio):
    with pytest.raises(CsvError) as caught:
        import_clients_csv(
            session=db_session, week_start=studio.week_start, text="name,email\nA,a@example.org\n"
        )
    assert "line 1: missing column 'availability'" in caught.value.errors


def test_an_intro_client_without_a_one_to_one_want_is_refused(db_session, studio):
    text = "name,email,phone,level,venues,availability,wants,needs_intro\n" + (
        "New Client,new@example.org,,beginner,hitchin,Mon 09:00-12:00,reformer,yes\n"
    )
    with pytest.raises(CsvError) as caught:
        import_clients_csv(session=db_session, week_start=studio.week_start, text=text)
    assert caught.value.errors == [
        "line 2, needs_intro: a client who needs an intro must want a one-to-one class type"
    ]


def test_reformer_clients_import_reports_errors_on_stderr_and_exits_1(studio, runner, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(HEADER + "X,not-an-address,,beginner,hitchin,Mon 09:00-12:00,reformer\n")
    result = runner.invoke(cli, ["clients", "import", str(path), "--week", studio.week_start])
    assert result.exit_code == 1
    assert result.stderr.strip() == "line 2, email: 'not-an-address' is not an e-mail address"


def test_reformer_clients_import_adds_the_rows(studio, runner, tmp_path, db_session):
    path = tmp_path / "clients.csv"
    path.write_text(HEADER + "Cat,cat@example.com,,beginner,hitchin,Mon 09:00-12:00,mat\n")
    result = runner.invoke(cli, ["clients", "import", str(path), "--week", studio.week_start])
    assert result.exit_code == 0, result.output
    assert "1 client(s) added, 0 updated" in result.stdout
    emails = {r.email for r in session_rows(db_session).values()}
    assert "cat@example.com" in emails


def test_the_missed_weeks_column_is_read_and_kept_within_its_bounds(db_session, studio):
    header = "name,email,phone,level,venues,availability,missed_weeks\n"
    row = "Bea New,bea@example.org,,improver,hitchin,Mon 17:30-21:00,{}\n"
    with pytest.raises(CsvError) as refused:
        import_clients_csv(
            session=db_session, week_start=studio.week_start, text=header + row.format(53)
        )
    assert refused.value.errors == ["line 2, missed_weeks: '53' is not a whole number from 0 to 52"]
    import_clients_csv(
        session=db_session, week_start=studio.week_start, text=header + row.format(3)
    )
    db_session.commit()
    clients = load_stored_week(session=db_session, week_start=studio.week_start).clients
    assert {c.email: c.missed_weeks for c in clients} == {None: 0, "bea@example.org": 3}


@pytest.mark.parametrize("data", [b"\r\x01", b'name,email\r\n"Amy\rMoore', b'"unclosed'])
def test_a_file_the_csv_module_cannot_read_is_refused_at_a_line(data):
    from scheduler.formats.clients_csv import parse_clients_csv

    with pytest.raises(CsvError) as refused:
        parse_clients_csv(data, week=week(), known={})
    assert all(e.startswith("line ") for e in refused.value.errors)
