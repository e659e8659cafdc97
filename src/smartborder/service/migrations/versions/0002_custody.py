"""Chain of custody: shipments, EPCIS custody events, GPS pings, anomalies.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("shipper_org", sa.String(128), nullable=False, index=True),
        sa.Column("carrier_org", sa.String(128), nullable=False, index=True),
        sa.Column("consignor", sa.String(200), nullable=False),
        sa.Column("consignee", sa.String(200), nullable=False),
        sa.Column("container_id", sa.String(17), nullable=False),
        sa.Column("seal_number", sa.String(20), nullable=False),
        sa.Column("seal_class", sa.String(1), nullable=False),
        sa.Column("goods_description", sa.Text, nullable=False),
        sa.Column("goods_value_usd", sa.Numeric(14, 2), nullable=False),
        sa.Column("origin_facility_id", sa.String(64), nullable=False),
        sa.Column("origin_name", sa.String(200), nullable=False),
        sa.Column("origin_lat", sa.Float, nullable=False),
        sa.Column("origin_lon", sa.Float, nullable=False),
        sa.Column("origin_audit_status", sa.String(16), nullable=False),
        sa.Column("route", sa.JSON, nullable=False),
        sa.Column("planned_stops", sa.JSON, nullable=False),
        sa.Column("thresholds", sa.JSON, nullable=False),
        sa.Column("destination_port", sa.String(4), nullable=False, index=True),
        sa.Column("expected_transit_min", sa.Float, nullable=False),
        sa.Column("phase", sa.String(16), nullable=False, index=True),
        sa.Column("custody_status", sa.String(8), nullable=False, index=True),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("declared_by", sa.String(160), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "custody_events",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("event_hash", sa.String(100), nullable=False),
        sa.Column("shipment_id", sa.String(36), sa.ForeignKey("shipments.id"), nullable=False, index=True),
        sa.Column("biz_step", sa.String(32), nullable=False),
        sa.Column("event_time", TZ, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("seal_number", sa.String(20)),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("recorded_by", sa.String(160), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.UniqueConstraint("shipment_id", "event_hash"),
    )
    op.create_table(
        "pings",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("shipment_id", sa.String(36), sa.ForeignKey("shipments.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("speed_kmh", sa.Float),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("shipment_id", "at"),
    )
    op.create_table(
        "custody_anomalies",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("shipment_id", sa.String(36), sa.ForeignKey("shipments.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("detected_at", TZ, nullable=False),
    )
    op.create_index("ix_custody_anomalies_shipment", "custody_anomalies", ["shipment_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_custody_anomalies_shipment", "custody_anomalies")
    for table in ("custody_anomalies", "pings", "custody_events", "shipments"):
        op.drop_table(table)
