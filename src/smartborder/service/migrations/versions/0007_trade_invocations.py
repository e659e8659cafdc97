"""Seed 004's rules-of-origin waiver, "invoked on an annual basis by each importing firm": one
recorded invocation per firm and year, with the decision it got.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trade_waiver_invocations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("importer", sa.String(128), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("decision", sa.JSON, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("invoked_by", sa.String(160), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("importer", "year", name="uq_trade_waiver_importer_year"),
    )


def downgrade() -> None:
    op.drop_table("trade_waiver_invocations")
