"""What the blueprints' forms share: the e-mail check and a bare button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import Regexp

EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address.")


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else."""
