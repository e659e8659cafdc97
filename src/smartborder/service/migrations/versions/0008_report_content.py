"""Holders' reports state their address and employer (seed 004: holders 'inform the Immigration
and Naturalization Service electronically of their address and place of employment').

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_records") as batch:
        batch.add_column(sa.Column("address", sa.String(500), nullable=True))
        batch.add_column(sa.Column("employer", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person_records") as batch:
        batch.drop_column("employer")
        batch.drop_column("address")
