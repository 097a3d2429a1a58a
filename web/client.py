"""Client pages: a client's own week and preferences."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("client", __name__, url_prefix="/me")
