"""What the blueprints' forms and URLs share: the e-mail check, a bare button, row ids."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms.validators import Regexp

from scheduler.formats.bounds import EMAIL_PATTERN

# The largest id a table's row can have (PostgreSQL's INTEGER); a larger one is not found.
MAX_ROW_ID = 2**31 - 1

# A route's row id, e.g. `f"/runs/<{ROW_ID}:run_id>"`: digits up to MAX_ROW_ID, else 404.
ROW_ID = f"int(max={MAX_ROW_ID})"


def row_id(text: str) -> int:
    """A row id given in a query (`?plan=7`); raises ValueError for anything else."""
    if not re.fullmatch(r"[0-9]{1,10}", text) or int(text) > MAX_ROW_ID:
        raise ValueError(f"{text!r} is not a row id")
    return int(text)


# One line: `\Z`, not `$`, which would let a trailing line break through into a mail header.
EMAIL = Regexp(EMAIL_PATTERN.replace("$", r"\Z"), message="Enter an e-mail address.")


class ConfirmForm(FlaskForm):
    """A button and its CSRF token, nothing else."""
