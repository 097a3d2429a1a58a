"""The studio's policy page: the cut-off, a make-up credit's life and drop-ins, within bounds."""

from __future__ import annotations

import html

import pytest

from scheduler.bookings.policy import studio_policy
from tests.register_seed import OWNER_EMAIL, add_logins
from tests.studio_seed import csrf_token
from tests.web.test_register import sign_in


@pytest.fixture
def owner(web, db_session):
    add_logins(db_session)
    sign_in(web, OWNER_EMAIL)
    return web


def saved(db_session):
    db_session.expire_all()
    row = studio_policy(session=db_session)
    return row.cancel_cutoff_hours, row.makeup_valid_weeks, row.drop_ins


def test_the_policy_page_shows_the_defaults_until_the_owner_edits_them(owner):
    page = owner.get("/owner/policy")

    assert page.status_code == 200
    assert 'name="cancel_cutoff_hours"' in page.text and 'value="12"' in page.text
    assert 'value="4"' in page.text
    assert ">Policy</a>" in page.text


def test_the_owner_saves_a_new_policy(owner, db_session):
    token = csrf_token(owner.get("/owner/policy").data)

    answer = owner.post(
        "/owner/policy",
        data={
            "cancel_cutoff_hours": "24",
            "makeup_valid_weeks": "6",
            "drop_ins": "y",
            "csrf_token": token,
        },
        follow_redirects=True,
    )

    assert answer.status_code == 200
    assert "The studio&#39;s policy is saved" in answer.text
    assert saved(db_session) == (24, 6, True)
    assert 'value="24"' in owner.get("/owner/policy").text


def test_drop_ins_are_turned_off_by_leaving_the_box_unticked(owner, db_session):
    token = csrf_token(owner.get("/owner/policy").data)
    fields = {"cancel_cutoff_hours": "12", "makeup_valid_weeks": "4", "csrf_token": token}
    owner.post("/owner/policy", data={**fields, "drop_ins": "y"})

    owner.post("/owner/policy", data=fields)

    assert saved(db_session) == (12, 4, False)


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("cancel_cutoff_hours", "169", "From 0 to 168."),
        ("cancel_cutoff_hours", "-1", "From 0 to 168."),
        ("makeup_valid_weeks", "0", "From 1 to 52."),
        ("makeup_valid_weeks", "", "Give a number of weeks."),
        ("cancel_cutoff_hours", "soon", "Give a whole number of hours."),
        ("makeup_valid_weeks", "2.5", "Give a whole number of weeks."),
    ],
)
def test_a_figure_out_of_bounds_is_refused_by_its_field_and_nothing_saved(
    owner, db_session, field, value, said
):
    token = csrf_token(owner.get("/owner/policy").data)
    data = {"cancel_cutoff_hours": "12", "makeup_valid_weeks": "4", "csrf_token": token}

    answer = owner.post("/owner/policy", data={**data, field: value})

    assert answer.status_code == 400
    assert said in html.unescape(answer.text)
    assert saved(db_session) == (12, 4, False)


def test_the_policy_is_the_owners_only(web, db_session):
    add_logins(db_session)
    sign_in(web, "jo@studio.example")

    assert web.get("/owner/policy").status_code == 403
