"""LINE: bookings followed by a LINE user, and the webhook events already handled

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-06 08:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "line_links",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=True),
        sa.Column("generation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("linked_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_line_links_booking_id_bookings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_line_links")),
    )
    with op.batch_alter_table("line_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_links_user_id"), ["user_id"], unique=False)
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
    with op.batch_alter_table("line_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_links_user_id"))
    op.drop_table("line_links")
