"""What the browser tests share: Debian's Chromium through Playwright, the app on a live
port, the Content-Security-Policy watched, and screenshots in `test-artifacts/`.

Chromium missing is a failure, not a skip: the project's set-up (`make browser`)
installs it, and the browser tests are part of what "done" means.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.builders import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def chromium_path() -> str:
    """Debian's Chromium; fails the test when it is not installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: run `make browser` (apt-get install chromium)")
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed on leaving."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def serving(make: Callable[[str], Flask]) -> Iterator[str]:
    """The app `make(base_url)` served from a thread on a free port of 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    server.app = make(base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)


def watch_policy(page: Page, blocked: list[str]) -> Page:
    """Collect on `blocked` what the page's Content-Security-Policy stopped."""
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot of `page` as `test-artifacts/<name>.png`."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
