"""sign in: each signed-in browser as a row, so signing out ends it on the server

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=True),
        sa.Column("client_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_account_id"], ["client_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["instructor_id"], ["instructor_login.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_client_account_id"), ["client_account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_instructor_id"), ["instructor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sign_in_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_token_hash"))
        batch_op.drop_index(batch_op.f("ix_sign_in_instructor_id"))
        batch_op.drop_index(batch_op.f("ix_sign_in_client_account_id"))

    op.drop_table("sign_in")
