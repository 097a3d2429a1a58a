"""One-time sign-in links: redeeming is atomic, so requests racing with one link sign in once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from scheduler.clients import access
from scheduler.clients.access import LinkError, issue_sign_in_link, redeem_sign_in_token
from tests.studio_seed import ANN, SECRET_KEY

RACERS = 6


def test_six_sessions_redeeming_one_link_at_once_sign_in_once(
    studio, engine, db_session, monkeypatch
):
    link = issue_sign_in_link(
        session=db_session, client_key=ANN, secret_key=SECRET_KEY, base_url="http://x"
    )
    token = link.url.rsplit("/", 1)[1]
    # Every racer passes the link's checks before any of them marks it used: the widest race.
    all_checked = threading.Barrier(RACERS)
    check = access.check_sign_in_token

    def check_then_wait(**kwargs):
        stored = check(**kwargs)
        all_checked.wait(timeout=30)
        return stored

    monkeypatch.setattr(access, "check_sign_in_token", check_then_wait)

    def redeem(_n: int) -> str:
        with Session(engine, expire_on_commit=False) as session:
            try:
                return redeem_sign_in_token(session=session, token=token, secret_key=SECRET_KEY).key
            except LinkError as error:
                return error.reason

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = sorted(pool.map(redeem, range(RACERS)))

    assert outcomes == [ANN] + ["used"] * (RACERS - 1)
