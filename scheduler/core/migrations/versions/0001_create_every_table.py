"""create every table

Revision ID: 0001
Revises:
Create Date: 2026-11-25 06:21:43.490568
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ical_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_account_ical_secret"), ["ical_secret"], unique=True
        )
        batch_op.create_index(batch_op.f("ix_client_account_key"), ["key"], unique=True)

    op.create_table(
        "instructor_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("instructor_login", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instructor_login_email"), ["email"], unique=True)

    op.create_table(
        "week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("grid_minutes", sa.Integer(), nullable=False),
        sa.Column("only_pinned_sessions", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("week", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_week_week_start"), ["week_start"], unique=True)

    op.create_table(
        "class_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("equipment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("min_size", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("one_to_one", sa.Boolean(), nullable=False),
        sa.Column("requires_clearance", sa.Boolean(), nullable=False),
        sa.Column("price_pence", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("class_type", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_class_type_week_id"), ["week_id"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("needs_intro", sa.Boolean(), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("venues", sa.JSON(), nullable=False),
        sa.Column("max_per_day", sa.Integer(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("prefers_venues", sa.JSON(), nullable=False),
        sa.Column("prefers_instructors", sa.JSON(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_client_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_client_week_id"), ["week_id"], unique=False)

    op.create_table(
        "instructor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("teaches", sa.JSON(), nullable=False),
        sa.Column("max_week_minutes", sa.Integer(), nullable=False),
        sa.Column("max_day_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("instructor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instructor_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_instructor_week_id"), ["week_id"], unique=False)

    op.create_table(
        "login_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jti", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["client_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_token_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_token_jti"), ["jti"], unique=True)

    op.create_table(
        "pinned_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("session", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reformer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "client", "session"),
    )
    with op.batch_alter_table("pinned_allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pinned_allocation_week_id"), ["week_id"], unique=False)

    op.create_table(
        "pinned_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("class_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("instructor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("pinned_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pinned_session_week_id"), ["week_id"], unique=False)

    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("priority_places", sa.Integer(), nullable=False),
        sa.Column("preference_points", sa.Integer(), nullable=False),
        sa.Column("teaching_minutes", sa.Integer(), nullable=False),
        sa.Column("bound", sa.Integer(), nullable=True),
        sa.Column("solve_status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("solve_seconds", sa.Float(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "version"),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_week_id"), ["week_id"], unique=False)

    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("base_week_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["base_week_id"], ["week.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "travel_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("venue_a", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("venue_b", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "venue_a", "venue_b"),
    )
    with op.batch_alter_table("travel_time", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_travel_time_week_id"), ["week_id"], unique=False)

    op.create_table(
        "venue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venue_week_id"), ["week_id"], unique=False)

    op.create_table(
        "instructor_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("venues", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["instructor_id"], ["instructor.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("instructor_window", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instructor_window_instructor_id"), ["instructor_id"], unique=False
        )

    op.create_table(
        "opening_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("opening_window", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opening_window_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "plan_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("class_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("venue", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("instructor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key"),
    )
    with op.batch_alter_table("plan_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_session_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mat_spaces", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week_id", "key"),
    )
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_venue_id"), ["venue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_week_id"), ["week_id"], unique=False)

    op.create_table(
        "solve_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=True),
        sa.Column("scenario_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("night", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_limit", sa.Float(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("kept", sa.Integer(), nullable=True),
        sa.Column("added", sa.Integer(), nullable=True),
        sa.Column("lost", sa.Integer(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenario.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["week_id"], ["week.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("night"),
    )
    with op.batch_alter_table("solve_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_solve_run_scenario_id"), ["scenario_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_solve_run_week_id"), ["week_id"], unique=False)

    op.create_table(
        "unplaced_want",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("class_types", sa.JSON(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unplaced_want", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unplaced_want_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_unplaced_want_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "want",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("class_types", sa.JSON(), nullable=False),
        sa.Column("per_week", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("want", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_want_client_id"), ["client_id"], unique=False)

    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reformer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["plan_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "client"),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_session_id"), ["session_id"], unique=False)

    op.create_table(
        "reformer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room_id", "key"),
    )
    with op.batch_alter_table("reformer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reformer_room_id"), ["room_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reformer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reformer_room_id"))

    op.drop_table("reformer")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_session_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_plan_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_client"))

    op.drop_table("allocation")
    with op.batch_alter_table("want", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_want_client_id"))

    op.drop_table("want")
    with op.batch_alter_table("unplaced_want", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unplaced_want_plan_id"))
        batch_op.drop_index(batch_op.f("ix_unplaced_want_client"))

    op.drop_table("unplaced_want")
    with op.batch_alter_table("solve_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solve_run_week_id"))
        batch_op.drop_index(batch_op.f("ix_solve_run_scenario_id"))

    op.drop_table("solve_run")
    with op.batch_alter_table("room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_week_id"))
        batch_op.drop_index(batch_op.f("ix_room_venue_id"))

    op.drop_table("room")
    with op.batch_alter_table("plan_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_session_plan_id"))

    op.drop_table("plan_session")
    with op.batch_alter_table("opening_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_window_venue_id"))

    op.drop_table("opening_window")
    with op.batch_alter_table("instructor_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_window_instructor_id"))

    op.drop_table("instructor_window")
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venue_week_id"))

    op.drop_table("venue")
    with op.batch_alter_table("travel_time", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_travel_time_week_id"))

    op.drop_table("travel_time")
    op.drop_table("scenario")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_week_id"))

    op.drop_table("plan")
    with op.batch_alter_table("pinned_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pinned_session_week_id"))

    op.drop_table("pinned_session")
    with op.batch_alter_table("pinned_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pinned_allocation_week_id"))

    op.drop_table("pinned_allocation")
    with op.batch_alter_table("login_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_token_jti"))
        batch_op.drop_index(batch_op.f("ix_login_token_account_id"))

    op.drop_table("login_token")
    with op.batch_alter_table("instructor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_week_id"))
        batch_op.drop_index(batch_op.f("ix_instructor_email"))

    op.drop_table("instructor")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_week_id"))
        batch_op.drop_index(batch_op.f("ix_client_key"))
        batch_op.drop_index(batch_op.f("ix_client_email"))

    op.drop_table("client")
    with op.batch_alter_table("class_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_type_week_id"))

    op.drop_table("class_type")
    with op.batch_alter_table("week", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_week_week_start"))

    op.drop_table("week")
    with op.batch_alter_table("instructor_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instructor_login_email"))

    op.drop_table("instructor_login")
    with op.batch_alter_table("client_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_account_key"))
        batch_op.drop_index(batch_op.f("ix_client_account_ical_secret"))

    op.drop_table("client_account")
