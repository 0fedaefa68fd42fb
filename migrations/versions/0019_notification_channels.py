"""notification channels are registered in notifier.registry: the outbox names any of them,
and each message names its subject (booking:<id>, request:<id>, complaint:<id>)

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-06 08:00:00

The outbox's channel was checked against ('sms', 'email'); a new channel (LINE) would have
needed a migration. The registry is now the one list of channels: the database only asks
for a name. A message's subject lets a fallback read the person's addresses again, whatever
the subject is.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_channel_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_channel_named"), "channel <> ''")
        batch_op.add_column(sa.Column("subject", sa.String(length=40), nullable=True))
    op.execute("UPDATE outbox SET subject = 'booking:' || booking_id WHERE booking_id IS NOT NULL")


def downgrade():
    # Messages by a channel the old list did not name cannot stay.
    op.execute("DELETE FROM outbox WHERE channel NOT IN ('sms', 'email')")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("subject")
        batch_op.drop_constraint(op.f("ck_outbox_channel_named"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_channel_known"), "channel IN ('sms', 'email')")
