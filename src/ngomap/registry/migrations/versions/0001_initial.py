"""The registry: organisations, aliases, presences, rounds, changesets, changes, boundary sets.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 19:14:00.465437
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ngomap.registry.types import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("added", sa.Date(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("crs", sa.String(length=100), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_sets")),
        sa.UniqueConstraint("key", name=op.f("uq_boundary_sets_key")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_kept", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_rounds_source"), ["source"], unique=False)

    op.create_table(
        "boundary_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("pcode", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent", sa.String(length=50), nullable=True),
        sa.Column("geometry", Geometry(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_id"], ["boundary_sets.id"], name=op.f("fk_boundary_areas_set_id_boundary_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_areas")),
    )
    with op.batch_alter_table("boundary_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundary_areas_set_id"), ["set_id"], unique=False)

    op.create_table(
        "boundary_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"], ["boundary_sets.id"], name=op.f("fk_boundary_files_set_id_boundary_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_files")),
    )
    with op.batch_alter_table("boundary_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boundary_files_set_id"), ["set_id"], unique=False)

    op.create_table(
        "changesets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("reverts_id", sa.Integer(), nullable=True),
        sa.Column("reverted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reverted_by_id"],
            ["changesets.id"],
            name=op.f("fk_changesets_reverted_by_id_changesets"),
        ),
        sa.ForeignKeyConstraint(
            ["reverts_id"], ["changesets.id"], name=op.f("fk_changesets_reverts_id_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_changesets_round_id_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changesets")),
    )
    with op.batch_alter_table("changesets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changesets_effective"), ["effective"], unique=False)
        batch_op.create_index(batch_op.f("ix_changesets_round_id"), ["round_id"], unique=False)

    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=100), nullable=False),
        sa.Column("org_type", sa.String(length=50), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("headquarters", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("contacts_public", sa.JSON(), nullable=False),
        sa.Column("contacts_staff", sa.JSON(), nullable=False),
        sa.Column("funders", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_confirmed", sa.Date(), nullable=True),
        sa.Column("created_in", sa.Integer(), nullable=False),
        sa.Column("removed_in", sa.Integer(), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_in"], ["changesets.id"], name=op.f("fk_organisations_created_in_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["organisations.id"],
            name=op.f("fk_organisations_merged_into_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_in"], ["changesets.id"], name=op.f("fk_organisations_removed_in_changesets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("key", name=op.f("uq_organisations_key")),
    )
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("spelling", sa.String(length=300), nullable=False),
        sa.Column("norm", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("met_in", sa.String(length=300), nullable=False),
        sa.Column("changeset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changeset_id"], ["changesets.id"], name=op.f("fk_aliases_changeset_id_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_aliases_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_norm"), ["norm"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_aliases_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changeset_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("reverted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changeset_id"], ["changesets.id"], name=op.f("fk_changes_changeset_id_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_changes_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["reverted_by_id"], ["changesets.id"], name=op.f("fk_changes_reverted_by_id_changesets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_changeset_id"), ["changeset_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_changes_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "partner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("partner_name", sa.String(length=300), nullable=False),
        sa.Column("opened_in", sa.Integer(), nullable=False),
        sa.Column("closed_in", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_in"], ["changesets.id"], name=op.f("fk_partner_links_closed_in_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["opened_in"], ["changesets.id"], name=op.f("fk_partner_links_opened_in_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partner_links_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organisations.id"],
            name=op.f("fk_partner_links_partner_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_links")),
    )
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_links_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_links_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "presences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("list_source", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=50), nullable=False),
        sa.Column("area_code", sa.String(length=50), nullable=True),
        sa.Column("area_level", sa.String(length=10), nullable=True),
        sa.Column("area_rule", sa.String(length=20), nullable=True),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("adm1_code", sa.String(length=50), nullable=True),
        sa.Column("adm1_name", sa.String(length=200), nullable=True),
        sa.Column("adm2_code", sa.String(length=50), nullable=True),
        sa.Column("adm2_name", sa.String(length=200), nullable=True),
        sa.Column("adm3_code", sa.String(length=50), nullable=True),
        sa.Column("adm3_name", sa.String(length=200), nullable=True),
        sa.Column("mode", sa.String(length=50), nullable=True),
        sa.Column("status", sa.String(length=100), nullable=True),
        sa.Column("start", sa.String(length=40), nullable=True),
        sa.Column("end", sa.String(length=40), nullable=True),
        sa.Column("partner", sa.String(length=300), nullable=True),
        sa.Column("funder", sa.String(length=300), nullable=True),
        sa.Column("targeted", sa.Float(), nullable=True),
        sa.Column("reached", sa.Float(), nullable=True),
        sa.Column("sector_raw", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("opened_in", sa.Integer(), nullable=False),
        sa.Column("closed_in", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_in"], ["changesets.id"], name=op.f("fk_presences_closed_in_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["opened_in"], ["changesets.id"], name=op.f("fk_presences_opened_in_changesets")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_presences_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presences")),
    )
    with op.batch_alter_table("presences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presences_closed_in"), ["closed_in"], unique=False)
        batch_op.create_index(
            "ix_presences_open",
            ["list_source", "organisation_id"],
            unique=False,
            postgresql_where=sa.text("closed_in IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_presences_opened_in"), ["opened_in"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_presences_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("presences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presences_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_presences_opened_in"))
        batch_op.drop_index("ix_presences_open", postgresql_where=sa.text("closed_in IS NULL"))
        batch_op.drop_index(batch_op.f("ix_presences_closed_in"))

    op.drop_table("presences")
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_links_partner_id"))
        batch_op.drop_index(batch_op.f("ix_partner_links_organisation_id"))

    op.drop_table("partner_links")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changes_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_changes_changeset_id"))

    op.drop_table("changes")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_aliases_norm"))

    op.drop_table("aliases")
    op.drop_table("organisations")
    with op.batch_alter_table("changesets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changesets_round_id"))
        batch_op.drop_index(batch_op.f("ix_changesets_effective"))

    op.drop_table("changesets")
    with op.batch_alter_table("boundary_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundary_files_set_id"))

    op.drop_table("boundary_files")
    with op.batch_alter_table("boundary_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boundary_areas_set_id"))

    op.drop_table("boundary_areas")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_source"))
        batch_op.drop_index(batch_op.f("ix_rounds_sha256"))

    op.drop_table("rounds")
    op.drop_table("boundary_sets")
