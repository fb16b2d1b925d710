"""A stored copy of the registry's state now, so that a new process need not read it whole.

Revision ID: 0300_regspeed
Revises: 0200_advise
Create Date: 2026-11-30 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300_regspeed"
down_revision = "0200_advise"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_snapshots",
        sa.Column("scope", sa.String(length=210), nullable=False),
        sa.Column("changesets", sa.Integer(), nullable=False),
        sa.Column("newest", sa.Integer(), nullable=False),
        sa.Column("newest_at", sa.String(length=64), nullable=False),
        sa.Column("seen", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_state_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("state_snapshots")
