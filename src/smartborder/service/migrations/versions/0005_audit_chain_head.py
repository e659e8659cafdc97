"""The audit chain's head: one row holding the last entry's sequence number and hash.

Appends read and advance it with one ``UPDATE … RETURNING`` (a row lock on PostgreSQL, the
write lock on SQLite), so two writers can no longer both read the same tail and fork the chain.
Entries gain a sequence number; ``seq`` and ``prev_hash`` are unique, so a fork that got past
the lock would fail loudly instead of being stored.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    bind = op.get_bind()
    forks = bind.execute(
        sa.text("SELECT prev_hash, COUNT(*) FROM audit_log GROUP BY prev_hash HAVING COUNT(*) > 1")
    ).fetchall()
    if forks:
        raise RuntimeError(
            f"audit_log: the chain is already forked ({len(forks)} entries share a previous hash, e.g. "
            f"{forks[0][0][:12]}…); it cannot be given a unique chain order. Run `smartborder audit verify`, "
            "keep a copy of the database as evidence and start a new one."
        )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger, nullable=True))
    # Number the entries 1, 2, 3, … in the order they were chained (ids may have gaps).
    bind.execute(
        sa.text(
            "UPDATE audit_log SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n "
            "FROM audit_log) AS r WHERE audit_log.id = r.id"
        )
    )
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger, nullable=False)
        batch.create_unique_constraint("uq_audit_log_seq", ["seq"])
        batch.create_unique_constraint("uq_audit_log_prev_hash", ["prev_hash"])
    last = bind.execute(sa.text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).fetchone()
    bind.execute(
        sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
        {"seq": last[0] if last else 0, "hash": last[1] if last else GENESIS},
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_prev_hash", type_="unique")
        batch.drop_constraint("uq_audit_log_seq", type_="unique")
        batch.drop_column("seq")
    op.drop_table("audit_head")
