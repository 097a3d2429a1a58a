"""The public timetable of the published week."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)
