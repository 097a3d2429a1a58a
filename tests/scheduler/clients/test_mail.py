"""E-mails of changed places: who is told, what they read, and that they arrive over SMTP."""

from __future__ import annotations

from dataclasses import replace

from scheduler.clients.mail import SmtpSettings, changes_between, send_changes
from scheduler.core.config import get_settings
from tests.builders import allocation, client, instructor, plan, session, week
from tests.smtp_sink import running_sink


def _week(*ids: str):
    return week(clients=[replace(client(id), email=f"{id}@example.org") for id in ids])


MON = session("reformer", "mon", "09:30")
TUE = session("reformer", "tue", "18:00")


def test_only_clients_whose_places_changed_are_listed():
    the_week = _week("ann", "bob", "cat", "dan")
    before = plan(
        [MON, TUE],
        [allocation("ann", MON, "R1"), allocation("bob", MON, "R2"), allocation("cat", TUE, "R1")],
    )
    after = plan(
        [MON, TUE],
        [allocation("ann", MON, "R1"), allocation("bob", TUE, "R2"), allocation("dan", MON, "R3")],
    )

    changes = {c.client: c.lines for c in changes_between(the_week, before, after)}

    assert set(changes) == {"bob", "cat", "dan"}
    assert changes["bob"] == (
        "No longer booked: Monday 09:30 reformer at Hitchin with Jo",
        "New place: Tuesday 18:00 reformer at Hitchin with Jo, reformer R2",
    )
    assert changes["cat"] == ("No longer booked: Tuesday 18:00 reformer at Hitchin with Jo",)
    assert changes["dan"] == ("New place: Monday 09:30 reformer at Hitchin with Jo, reformer R3",)


def test_a_client_moved_to_another_reformer_in_the_same_class_is_told():
    the_week = _week("ann")
    before = plan([MON], [allocation("ann", MON, "R1")])
    after = plan([MON], [allocation("ann", MON, "R3")])

    [changes] = changes_between(the_week, before, after)

    assert changes.lines == (
        "Same class, another reformer: Monday 09:30 reformer at Hitchin with Jo,"
        " now reformer R3 (was R1)",
    )


def test_a_client_whose_class_changed_instructor_is_told():
    the_week = week(
        clients=[replace(client("ann"), email="ann@example.org")],
        instructors=[instructor("jo"), instructor("kim")],
    )
    before = plan([MON], [allocation("ann", MON, "R1")])
    with_kim = replace(MON, instructor="kim")
    after = plan([with_kim], [allocation("ann", with_kim, "R1")])

    [changes] = changes_between(the_week, before, after)

    assert changes.lines == (
        "Your class has changed: Monday 09:30 reformer at Hitchin with Jo"
        " is now Monday 09:30 reformer at Hitchin with Kim, reformer R1",
    )


def test_every_place_is_new_when_nothing_was_published():
    the_week = _week("ann")
    after = plan([MON], [allocation("ann", MON, "R2")])

    [changes] = changes_between(the_week, None, after)

    assert changes.lines == ("New place: Monday 09:30 reformer at Hitchin with Jo, reformer R2",)


def test_each_changed_client_gets_one_email_listing_their_changes():
    the_week = _week("ann", "bob")
    before = plan([MON], [allocation("ann", MON, "R1")])
    after = plan([MON, TUE], [allocation("bob", TUE, "R1")])
    changes = changes_between(the_week, before, after)

    with running_sink() as sink:
        mailed = send_changes(
            changes,
            week_start=the_week.week_start,
            smtp=SmtpSettings(sink.host, sink.port, sender="studio@example.org"),
        )

    assert sorted(mailed) == ["ann", "bob"]
    by_recipient = {r.recipients[0]: r for r in sink.received}
    assert sorted(by_recipient) == ["ann@example.org", "bob@example.org"]
    assert all(len(r.recipients) == 1 for r in sink.received)
    ann = by_recipient["ann@example.org"].message
    assert ann["From"] == "studio@example.org"
    assert "30 November 2026" in ann["Subject"]
    body = ann.get_content()
    assert "No longer booked: Monday 09:30 reformer at Hitchin with Jo" in body
    assert "Tuesday" not in body.split("changed:")[1]
    assert "New place: Tuesday 18:00" in by_recipient["bob@example.org"].message.get_content()


def test_a_client_without_an_email_address_is_skipped_and_the_rest_are_mailed():
    the_week = week(clients=[client("ann"), replace(client("bob"), email="bob@example.org")])
    after = plan([MON], [allocation("ann", MON, "R1"), allocation("bob", MON, "R2")])

    with running_sink() as sink:
        mailed = send_changes(
            changes_between(the_week, None, after),
            week_start=the_week.week_start,
            smtp=SmtpSettings(sink.host, sink.port),
        )

    assert mailed == ["bob"]
    assert [r.recipients for r in sink.received] == [["bob@example.org"]]


def test_smtp_settings_come_from_the_environment():
    settings = get_settings(
        {
            "SMTP_HOST": "mail.example.org",
            "SMTP_PORT": "2525",
            "SMTP_USER": "studio",
            "SMTP_PASSWORD": "secret",
            "SMTP_FROM": "classes@example.org",
            "SMTP_STARTTLS": "true",
        }
    )

    smtp = SmtpSettings.from_settings(settings)

    assert smtp == SmtpSettings(
        "mail.example.org", 2525, "studio", "secret", "classes@example.org", True
    )


def test_no_smtp_host_means_no_mail_is_sent():
    assert SmtpSettings.from_settings(get_settings({})) is None
