"""Web benchmarks on the demo business: the owner's week view, and 50 clients reading at once.

    python bench/web.py [--time-limit 20] [--requests 200] [--clients 50] [--rounds 5]
                        [--server gunicorn|werkzeug] [--database-url URL]

Builds the demo business (`scheduler.demo`) as the coming week in a fresh
SQLite database (or `--database-url`), solves it with CP-SAT through
`solve_week` and publishes the plan, checked.

1. The owner's week view rendered server-side: `--requests` GETs through
   Flask's test client after a warm-up; p50, p95 and max milliseconds
   (target: p95 under 100 ms).
2. Clients reading their week over loopback: the real app is started on a
   free port of 127.0.0.1 (gunicorn, 2 workers of 4 threads, by default),
   `--clients` clients sign in through their one-time links, then each reads
   `/me/week` `--rounds` times, all at once; beside it, the same number of
   requests by one client, one after another. Every answer must be a 200.

Prints a markdown table and writes `bench/out/web.json`.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# This script is bench/web.py, and Python puts its folder first on the path: move the
# folder to the end, so `web` is the app's package and `common` is still found.
HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != HERE]
sys.path.insert(0, str(Path(HERE).parent))
sys.path.append(HERE)

from common import REPO, checked, markdown_table, write_results  # noqa: E402
from sqlmodel import Session  # noqa: E402

from scheduler.clients.access import issue_sign_in_link  # noqa: E402
from scheduler.core.dates import coming_monday  # noqa: E402
from scheduler.core.db import dispose_engines, get_engine, upgrade  # noqa: E402
from scheduler.planning.solving import solve_week  # noqa: E402
from scheduler.store.plans import load_stored_plan, published_plan  # noqa: E402
from scheduler.store.weeks import load_stored_week  # noqa: E402
from scheduler.studio import demo  # noqa: E402
from scheduler.studio.accounts import add_instructor_login  # noqa: E402
from web import create_app  # noqa: E402

SECRET_KEY = "bench-web-secret"
OWNER_EMAIL, OWNER_PASSWORD = "owner@example.org", "bench-owner-password"
WARM_UP = 10
READY_SECONDS = 30.0
TIMEOUT = 30.0


@dataclass
class Timings:
    """Milliseconds of each answered request, and the requests that failed."""

    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(self, what: str) -> list[object]:
        ms = sorted(self.ms)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else None
        rate = len(ms) / self.seconds if self.seconds else 0
        return [
            what,
            len(ms) + len(self.errors),
            len(self.errors),
            f"{statistics.median(ms):.1f}" if ms else "–",
            f"{p95:.1f}" if p95 is not None else "–",
            f"{ms[-1]:.1f}" if ms else "–",
            f"{rate:.0f}",
        ]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="CP-SAT seconds")
    parser.add_argument("--requests", type=int, default=200, help="owner week views timed")
    parser.add_argument("--clients", type=int, default=50, help="clients reading at once")
    parser.add_argument("--rounds", type=int, default=5, help="reads of /me/week per client")
    parser.add_argument("--server", choices=("gunicorn", "werkzeug"), default="gunicorn")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        week_start, solved_by = prepare(url, options.time_limit)
        owner = owner_week_view(url, week_start, options.requests)
        alone, together = clients_reading(url, options)
    dispose_engines()

    print(f"\nDemo business, week of {week_start}, plan by {solved_by}; {options.server} server.\n")
    header = ["measure", "requests", "errors", "p50 ms", "p95 ms", "max ms", "req/s"]
    rows = [
        owner.row("owner week view, server-side (Flask test client)"),
        alone.row(f"/me/week, 1 client sequential ({options.server})"),
        together.row(f"/me/week, {options.clients} clients at once ({options.server})"),
    ]
    print(markdown_table(header, rows))
    path = write_results(
        "web",
        {
            "week_start": week_start,
            "solved_by": solved_by,
            "server": options.server,
            "rows": [dict(zip(header, row, strict=True)) for row in rows],
            "errors": (alone.errors + together.errors + owner.errors)[:20],
        },
    )
    print(f"\nfigures in {path.relative_to(REPO)}", file=sys.stderr)
    if owner.errors or alone.errors or together.errors:
        sys.exit(1)


# --- The demo business, solved and published --------------------------------------------------


def prepare(url: str, time_limit: float) -> tuple[str, str]:
    """Store the demo week, solve and publish it; the week's Monday and who solved it."""
    upgrade(url)
    week_start = coming_monday()
    with Session(get_engine(url), expire_on_commit=False) as session:
        print(demo.save_demo_week(session=session, week_start=week_start), file=sys.stderr)
        session.commit()
        add_instructor_login(
            session=session, email=OWNER_EMAIL, password=OWNER_PASSWORD, name="Owner"
        )
        row = solve_week(
            session=session, week_start=week_start, time_limit=time_limit, publish=True
        )
        solved_by = f"CP-SAT ({time_limit:g} s limit, solve_week)"
        week = load_stored_week(session=session, week_start=week_start)
        plan = load_stored_plan(session=session, plan_id=row.id)
        if checked(week, plan, solved_by).broken_rules:
            raise SystemExit("the published plan breaks a rule: no benchmark on a wrong plan")
        print(
            f"  published version {row.version}: {len(plan.sessions)} classes,"
            f" {len(plan.allocations)} places",
            file=sys.stderr,
        )
    return week_start.isoformat(), solved_by


# --- 1. The owner's week view, in-process ------------------------------------------------------


def owner_week_view(url: str, week_start: str, count: int) -> Timings:
    """Time `count` renders of the owner's week view through Flask's test client."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": False}
    )
    client = app.test_client()
    signed_in = client.post(
        "/auth/sign-in", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    path = f"/owner/week?start={week_start}"
    timings = Timings()
    for _ in range(WARM_UP):
        client.get(path)
    started = time.perf_counter()
    for _ in range(count):
        begun = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - begun) * 1000
        if response.status_code == 200 and b"session fill-" in response.data:
            timings.ms.append(elapsed)
        else:
            timings.errors.append(f"owner week view: {response.status_code}")
    timings.seconds = time.perf_counter() - started
    return timings


# --- 2. Clients over loopback ----------------------------------------------------------------


def clients_reading(url: str, options) -> tuple[Timings, Timings]:
    """Start the app, sign clients in through their links, and time their reads of my week."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(options.server, port, url, base)
    try:
        _wait_until_ready(server, base)
        openers = [_signed_in(url, key, base) for key in _placed_clients(url, options.clients)]
        _read(openers, f"{base}/me/week", 1)  # warm-up: every worker has served a page
        alone = _read(openers[:1], f"{base}/me/week", len(openers) * options.rounds)
        together = _read(openers, f"{base}/me/week", options.rounds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    return alone, together


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(kind: str, port: int, url: str, base: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "REFORMER_ENV": "production",
        "BASE_URL": base,
        "PYTHONPATH": str(REPO),
    }
    if kind == "gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers=2",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "web:create_app()",
        ]
    else:
        command = [
            sys.executable,
            "-c",
            "from werkzeug.serving import run_simple; from web import create_app;"
            f" run_simple('127.0.0.1', {port}, create_app(), threaded=True)",
        ]
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL)


def _wait_until_ready(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped at start-up (exit {server.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/me/sign-in", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {READY_SECONDS:g} s")


def _placed_clients(url: str, count: int) -> list[str]:
    """The first `count` clients (by id) with a place in the published plan."""
    with Session(get_engine(url)) as session:
        week_start = coming_monday()
        row = published_plan(session=session, week_start=week_start)
        plan = load_stored_plan(session=session, plan_id=row.id)
    placed = sorted({a.client for a in plan.allocations})
    if len(placed) < count:
        raise SystemExit(f"only {len(placed)} clients have a place; asked for {count}")
    return placed[:count]


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _signed_in(url: str, client_key: str, base: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener signed in as the client through a fresh one-time link."""
    with Session(get_engine(url)) as session:
        link = issue_sign_in_link(
            session=session, client_key=client_key, secret_key=SECRET_KEY, base_url=base
        )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(link.url, timeout=TIMEOUT) as page:
        token = CSRF.search(page.read().decode())
    if token is None:
        raise SystemExit(f"no sign-in form on {link.url}")
    form = urllib.parse.urlencode({"csrf_token": token[1]}).encode()
    with opener.open(link.url, data=form, timeout=TIMEOUT) as answer:
        if not answer.geturl().endswith("/me/week") or answer.status != 200:
            raise SystemExit(f"{client_key} was not signed in ({answer.status} {answer.geturl()})")
    return opener


def _read(openers: list[urllib.request.OpenerDirector], page: str, rounds: int) -> Timings:
    """Each opener on a thread of its own reads `page` `rounds` times; all start together."""
    timings = Timings()
    lock = threading.Lock()
    start = threading.Barrier(len(openers) + 1)

    def reader(opener: urllib.request.OpenerDirector) -> None:
        start.wait()
        for _ in range(rounds):
            begun = time.perf_counter()
            try:
                with opener.open(page, timeout=TIMEOUT) as answer:
                    body = answer.read()
                    ok = answer.status == 200 and answer.geturl() == page and b"<html" in body
                    problem = f"{answer.status} {answer.geturl()}"
            except (OSError, urllib.error.HTTPError) as exc:
                ok, problem = False, f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - begun) * 1000
            with lock:
                if ok:
                    timings.ms.append(elapsed)
                else:
                    timings.errors.append(problem)

    threads = [threading.Thread(target=reader, args=(o,), daemon=True) for o in openers]
    for t in threads:
        t.start()
    start.wait()
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=TIMEOUT * rounds)
    timings.seconds = time.perf_counter() - started
    return timings


if __name__ == "__main__":
    main()
