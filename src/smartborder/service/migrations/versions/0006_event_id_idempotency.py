"""Custody events: the eventID is the idempotency key when a client gives one.

Two events with different eventIDs and the same content are two events (a seal checked twice the
same minute by two readers); only events sent without an eventID are recognised by their CBV 2.0
hash, which then is their id. The unique (shipment_id, event_hash) constraint becomes an index.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAMING = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the constraint has no name there: batch mode names it by convention
        with op.batch_alter_table("custody_events", naming_convention=NAMING, recreate="always") as batch:
            batch.drop_constraint("uq_custody_events_shipment_id_event_hash", type_="unique")
    else:
        for constraint in sa.inspect(bind).get_unique_constraints("custody_events"):
            if constraint["column_names"] == ["shipment_id", "event_hash"] and constraint["name"]:
                op.drop_constraint(constraint["name"], "custody_events", type_="unique")
    op.create_index("ix_custody_events_shipment_hash", "custody_events", ["shipment_id", "event_hash"])


def downgrade() -> None:
    op.drop_index("ix_custody_events_shipment_hash", "custody_events")
    with op.batch_alter_table("custody_events", naming_convention=NAMING) as batch:
        batch.create_unique_constraint("uq_custody_events_shipment_id_event_hash", ["shipment_id", "event_hash"])
