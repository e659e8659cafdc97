"""Trusted trader and traveller programs: companies, facilities, audits, certification events,
watch list, applications, sealed biometric templates, cards and crossings.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "trusted_companies",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_facilities",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("company_id", sa.String(64), sa.ForeignKey("trusted_companies.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("city", sa.String(120)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("facility_id", sa.String(64), sa.ForeignKey("trusted_facilities.id"), nullable=False, index=True),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("auditor", sa.String(160), nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_cert_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("facility_id", sa.String(64), sa.ForeignKey("trusted_facilities.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("trusted_audits.id")),
        sa.Column("decided_by", sa.String(160), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_watchlist",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("dob", sa.Date),
        sa.Column("document_number", sa.String(64)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("added_by", sa.String(160), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_applications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("program", sa.String(16), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("dob", sa.Date, nullable=False),
        sa.Column("nationality", sa.String(2), nullable=False),
        sa.Column("document_number", sa.String(64), nullable=False),
        sa.Column("document_expires", sa.Date, nullable=False),
        sa.Column("carrier_id", sa.String(64), sa.ForeignKey("trusted_companies.id")),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("filed", sa.Date, nullable=False),
        sa.Column("vetting", sa.JSON),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, unique=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("trusted_applications.id"), nullable=False),
        sa.Column("matcher", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "trusted_cards",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("trusted_applications.id"), nullable=False),
        sa.Column("program", sa.String(16), nullable=False),
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("expires", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("signed", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index(
        "ix_trusted_cards_one_active",
        "trusted_cards",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "trusted_crossings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.String(36), sa.ForeignKey("trusted_cards.id"), nullable=False, index=True),
        sa.Column("port_code", sa.String(8), nullable=False, index=True),
        sa.Column("vehicle", sa.String(16), nullable=False),
        sa.Column("lane", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False, index=True),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("distance", sa.Float),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("facility_id", sa.String(64), sa.ForeignKey("trusted_facilities.id")),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_index("ix_trusted_cards_one_active", "trusted_cards")
    for table in (
        "trusted_crossings",
        "trusted_cards",
        "trusted_templates",
        "trusted_applications",
        "trusted_watchlist",
        "trusted_cert_events",
        "trusted_audits",
        "trusted_facilities",
        "trusted_companies",
    ):
        op.drop_table(table)
