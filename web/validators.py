"""Validators the blueprints' forms share."""

from __future__ import annotations

from wtforms.validators import Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address.")
