"""LINE: the LINE user following a booking, and the webhook events already handled

Revision ID: 0020
Revises: 0019 (c18; the integrator re-chains)
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_user_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("line_links", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(batch_op.f("ix_bookings_line_user_id"), ["line_user_id"], unique=False)
    op.create_table(
        "line_webhook_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_line_webhook_events")),
    )
    with op.batch_alter_table("line_webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_webhook_events_received_at"), ["received_at"], unique=False)


def downgrade():
    with op.batch_alter_table("line_webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_webhook_events_received_at"))
    op.drop_table("line_webhook_events")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_line_user_id"))
        batch_op.drop_column("line_links")
        batch_op.drop_column("line_user_id")
