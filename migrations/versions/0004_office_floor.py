"""office floor: priority, arrival and call times, recalls, check-in and call settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:00:05.439363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('called_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recalls', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_bookings_board', ['office_id', 'day', 'called_at'], unique=False)
        batch_op.create_check_constraint(
            'priority_known', "priority IS NULL OR priority IN ('elderly', 'disabled', 'pregnant', 'monk')"
        )
        batch_op.create_check_constraint('recalls_nonnegative', 'recalls >= 0')

    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_early_minutes', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('checkin_late_minutes', sa.Integer(), server_default='15', nullable=False))
        batch_op.add_column(sa.Column('no_show_after_recalls', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('cross_channel_calls', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint('checkin_early_range', 'checkin_early_minutes BETWEEN 0 AND 240')
        batch_op.create_check_constraint('checkin_late_range', 'checkin_late_minutes BETWEEN 0 AND 240')
        batch_op.create_check_constraint('recalls_range', 'no_show_after_recalls BETWEEN 0 AND 10')


def downgrade():
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_constraint('recalls_range', type_='check')
        batch_op.drop_constraint('checkin_late_range', type_='check')
        batch_op.drop_constraint('checkin_early_range', type_='check')
        batch_op.drop_column('cross_channel_calls')
        batch_op.drop_column('no_show_after_recalls')
        batch_op.drop_column('checkin_late_minutes')
        batch_op.drop_column('checkin_early_minutes')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint('recalls_nonnegative', type_='check')
        batch_op.drop_constraint('priority_known', type_='check')
        batch_op.drop_index('ix_bookings_board')
        batch_op.drop_column('recalls')
        batch_op.drop_column('called_at')
        batch_op.drop_column('checked_in_at')
        batch_op.drop_column('priority')
