"""fairness: each client's missed weeks, and each plan's fairness points

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already stored missed no weeks and hold no fairness points.
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missed_weeks", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fairness_points", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("fairness_points")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("missed_weeks")
