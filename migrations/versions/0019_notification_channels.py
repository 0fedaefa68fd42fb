"""notification channels are registered in notifier.registry: the outbox names any of them

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-06 08:00:00

The outbox's channel was checked against ('sms', 'email'); a new channel (LINE) would have
needed a migration. The registry is now the one list of channels: the database only asks
for a name.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_channel_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_channel_named"), "channel <> ''")


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_channel_named"), type_="check")
        batch_op.create_check_constraint(op.f("ck_outbox_channel_known"), "channel IN ('sms', 'email')")
