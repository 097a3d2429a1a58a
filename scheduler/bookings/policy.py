"""The studio's rules for the week after publishing: the cut-off, make-up credits, drop-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from scheduler.core import models

#: The bounds the owner's form keeps to.
CUTOFF_HOURS = (0, 168)
VALID_WEEKS = (1, 52)


def studio_policy(*, session: Session) -> models.StudioPolicy:
    """The studio's policy; the defaults (12 hours, 4 weeks, no drop-ins) until the owner edits."""
    row = session.exec(select(models.StudioPolicy).order_by(models.StudioPolicy.id)).first()
    return row or models.StudioPolicy()


def save_policy(
    *, session: Session, cancel_cutoff_hours: int, makeup_valid_weeks: int, drop_ins: bool
) -> models.StudioPolicy:
    """Store the owner's policy, in one commit; a figure out of bounds is refused."""
    for name, value, (low, high) in (
        ("cancel_cutoff_hours", cancel_cutoff_hours, CUTOFF_HOURS),
        ("makeup_valid_weeks", makeup_valid_weeks, VALID_WEEKS),
    ):
        if not low <= value <= high:
            raise ValueError(f"{name} must be from {low} to {high}, not {value}")
    row = studio_policy(session=session)
    row.cancel_cutoff_hours = cancel_cutoff_hours
    row.makeup_valid_weeks = makeup_valid_weeks
    row.drop_ins = drop_ins
    row.updated_at = models.utcnow()
    session.add(row)
    session.commit()
    return row


def is_late(policy: models.StudioPolicy, starts: datetime, now: datetime) -> bool:
    """A cancellation at `now` of a class starting at `starts` comes after the cut-off."""
    return starts - now < timedelta(hours=policy.cancel_cutoff_hours)
