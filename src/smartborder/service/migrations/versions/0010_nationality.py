"""Nationality on record (issue 29): a person's nationality is a dated record (``person_records``
of kind ``nationality`` with its ISO 3166-1 alpha-2 ``code``), and each application keeps the
applicant's nationality on the day it was filed (``permit_applications.nationality``), which is
what the annual cap counts. Rows made before this revision have none: counted, as they were.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_records") as batch:
        batch.add_column(sa.Column("code", sa.String(2), nullable=True))
    with op.batch_alter_table("permit_applications") as batch:
        batch.add_column(sa.Column("nationality", sa.String(2), nullable=True))


def downgrade() -> None:
    # Revision 0009 knows no nationality record: its rows go with their column.
    op.execute("DELETE FROM person_records WHERE kind = 'nationality'")
    with op.batch_alter_table("permit_applications") as batch:
        batch.drop_column("nationality")
    with op.batch_alter_table("person_records") as batch:
        batch.drop_column("code")
