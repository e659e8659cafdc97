"""Risk targeting: profile versions, learned counts, channel policies, arrivals and outcomes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "targeting_profile_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(64), nullable=False, unique=True),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(160), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "targeting_profile_stats",
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("inspections", sa.Integer, nullable=False),
        sa.Column("hits", sa.Integer, nullable=False),
    )
    op.create_table(
        "targeting_policies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("red_threshold", sa.Float, nullable=False),
        sa.Column("red_tie", sa.Float, nullable=False),
        sa.Column("yellow_threshold", sa.Float, nullable=False),
        sa.Column("random_rate", sa.Float, nullable=False),
        sa.Column("basis", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(160), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "targeting_arrivals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("shipment_id", sa.String(36), index=True),
        sa.Column("card_id", sa.String(36), index=True),
        sa.Column("port", sa.String(8)),
        sa.Column("shipper_org", sa.String(128)),
        sa.Column("carrier_org", sa.String(128)),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False, index=True),
        sa.Column("lane", sa.String(16), nullable=False),
        sa.Column("random", sa.Boolean, nullable=False),
        sa.Column("matched", sa.JSON, nullable=False),
        sa.Column("profile_version", sa.String(64), nullable=False),
        sa.Column("found", sa.Boolean),
        sa.Column("decided_by", sa.String(160), nullable=False),
        sa.Column("at", TZ, nullable=False, index=True),
    )
    op.create_index("ix_targeting_arrivals_shipper_found", "targeting_arrivals", ["shipper_org", "found"])
    op.create_index("ix_targeting_arrivals_carrier_found", "targeting_arrivals", ["carrier_org", "found"])
    op.create_table(
        "targeting_outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("arrival_id", sa.String(36), sa.ForeignKey("targeting_arrivals.id"), nullable=False, unique=True),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "targeting_outcomes",
        "targeting_arrivals",
        "targeting_policies",
        "targeting_profile_stats",
        "targeting_profile_sets",
    ):
        op.drop_table(table)
