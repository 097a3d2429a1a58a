"""What the blueprints' forms share: the e-mail check and a bare button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import Regexp

from scheduler.formats.bounds import EMAIL_PATTERN

# One line: `\Z`, not `$`, which would let a trailing line break through into a mail header.
EMAIL = Regexp(EMAIL_PATTERN.replace("$", r"\Z"), message="Enter an e-mail address.")


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else."""
