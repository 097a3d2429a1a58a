"""/owner/policy: the studio's rules for the week after publishing.

How many hours before a class a cancellation turns late (no make-up credit), how
many weeks a make-up credit lasts, and whether any client may drop in.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from scheduler.bookings.policy import save_policy, studio_policy
from web.db import get_session
from web.owner import bp
from web.owner.common import data_form
from web.owner.forms import PolicyForm


@bp.route("/policy", methods=["GET", "POST"])
def policy() -> Any:
    """The studio's policy: the cut-off for cancelling, a make-up credit's life, drop-ins."""
    form = data_form(PolicyForm, studio_policy(session=get_session()))
    if form.validate_on_submit():
        save_policy(
            session=get_session(),
            cancel_cutoff_hours=form.cancel_cutoff_hours.data,
            makeup_valid_weeks=form.makeup_valid_weeks.data,
            drop_ins=form.drop_ins.data,
        )
        flash("The studio's policy is saved: it counts from now on.", "success")
        return redirect(url_for("owner.policy"))
    return render_template("owner/policy.html", form=form), (400 if form.errors else 200)
