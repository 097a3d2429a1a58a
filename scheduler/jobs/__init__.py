"""Scheduled jobs: the nightly re-solve of the coming week, the day-before reminders."""
