"""The resident-permit program's own state (issue 29): its yearly joint certifications of
illegal crossings (one per year counted: who certified it, the figure, the day), its
announcement, which the permit questions read as of the day asked, and the trade areas whose
members trade tariff free (the rules-of-origin waiver's precondition).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "program_certifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False, unique=True),
        sa.Column("crossings", sa.Integer, nullable=False),
        sa.Column("certified_by", sa.String(200), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "program_announcements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "program_trade_areas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("members", sa.JSON, nullable=False),
        sa.Column("tariff_free_since", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("program_trade_areas")
    op.drop_table("program_announcements")
    op.drop_table("program_certifications")
