"""Introductions, subscriptions and their digests, reminders to confirm an entry (issue 15).

Revision ID: 0200_advise
Revises: r14_requests
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200_advise"
down_revision = "r14_requests"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_a_key", sa.String(length=300), nullable=False),
        sa.Column("org_a_name", sa.String(length=300), nullable=False),
        sa.Column("org_a_id", sa.Integer(), nullable=True),
        sa.Column("org_b_key", sa.String(length=300), nullable=False),
        sa.Column("org_b_name", sa.String(length=300), nullable=False),
        sa.Column("org_b_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by", sa.String(length=200), nullable=True),
        _fk("introductions", "org_a_id", "organisations"),
        _fk("introductions", "org_b_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    for column in ("org_a_key", "org_b_key"):
        op.create_index(op.f(f"ix_introductions_{column}"), "introductions", [column])
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_index(op.f("ix_subscriptions_email"), "subscriptions", ["email"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("movements", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        _fk("digests", "subscription_id", "subscriptions"),
        _fk("digests", "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("subscription_id", "round_id", name="uq_digests_once"),
    )
    for column in ("subscription_id", "round_id"):
        op.create_index(op.f(f"ix_digests_{column}"), "digests", [column])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        _fk("reminders", "organisation_id", "organisations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    for column in ("organisation_id", "sent_at"):
        op.create_index(op.f(f"ix_reminders_{column}"), "reminders", [column])


def downgrade() -> None:
    for column in ("organisation_id", "sent_at"):
        op.drop_index(op.f(f"ix_reminders_{column}"), table_name="reminders")
    op.drop_table("reminders")
    for column in ("subscription_id", "round_id"):
        op.drop_index(op.f(f"ix_digests_{column}"), table_name="digests")
    op.drop_table("digests")
    op.drop_index(op.f("ix_subscriptions_email"), table_name="subscriptions")
    op.drop_table("subscriptions")
    for column in ("org_a_key", "org_b_key"):
        op.drop_index(op.f(f"ix_introductions_{column}"), table_name="introductions")
    op.drop_table("introductions")
