"""Identity cards for permanent residents (issue 29): a card of program RESIDENT rests on a
granted resident permit (``permit_application_id``) instead of a traveller application, and its
face template likewise has no traveller application; one active card per person *and program*
(a SENTRI member may also hold a resident's card).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.drop_index("ix_trusted_cards_one_active", "trusted_cards")
    with op.batch_alter_table("trusted_cards") as batch:
        batch.alter_column("application_id", existing_type=sa.String(36), nullable=True)
        batch.add_column(sa.Column("permit_application_id", sa.String(36), nullable=True))
        batch.create_foreign_key(
            "fk_trusted_cards_permit_application", "permit_applications", ["permit_application_id"], ["id"]
        )
    op.create_index(
        "ix_trusted_cards_one_active_per_program",
        "trusted_cards",
        ["person_id", "program"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    with op.batch_alter_table("trusted_templates") as batch:
        batch.alter_column("application_id", existing_type=sa.String(36), nullable=True)


def downgrade() -> None:
    # Revision 0011 knows cards of traveller applications only: resident cards go.
    op.execute(
        "DELETE FROM trusted_crossings WHERE card_id IN (SELECT id FROM trusted_cards WHERE application_id IS NULL)"
    )
    op.execute("DELETE FROM trusted_cards WHERE application_id IS NULL")
    op.execute("DELETE FROM trusted_templates WHERE application_id IS NULL")
    with op.batch_alter_table("trusted_templates") as batch:
        batch.alter_column("application_id", existing_type=sa.String(36), nullable=False)
    op.drop_index("ix_trusted_cards_one_active_per_program", "trusted_cards")
    with op.batch_alter_table("trusted_cards") as batch:
        batch.drop_constraint("fk_trusted_cards_permit_application", type_="foreignkey")
        batch.drop_column("permit_application_id")
        batch.alter_column("application_id", existing_type=sa.String(36), nullable=False)
    op.create_index(
        "ix_trusted_cards_one_active",
        "trusted_cards",
        ["person_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
