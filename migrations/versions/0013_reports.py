"""reports: survey follow-ups (mark, note, who, when); bookings keep their first call, last start
of service and finish (filled from the history for past visits), indexed with (office, day) so a
report reads a range's outcomes, arrivals, waits and service times from one index

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 15:24:52

"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_follow_ups',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('staff_username', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_follow_ups_response_id_survey_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_survey_follow_ups_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_survey_follow_ups'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_called_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('serving_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))

    # Past visits: the same moments, from their history.
    op.execute(
        "UPDATE bookings SET "
        "first_called_at = (SELECT min(e.at) FROM booking_events e WHERE e.booking_id = bookings.id AND e.to_status = 'called'), "
        "serving_at = (SELECT max(e.at) FROM booking_events e WHERE e.booking_id = bookings.id AND e.to_status = 'serving'), "
        "done_at = (SELECT max(e.at) FROM booking_events e WHERE e.booking_id = bookings.id AND e.to_status = 'done') "
        "WHERE status IN ('called', 'serving', 'done', 'no_show', 'waiting')"
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_report', ['office_id', 'day', 'status', 'checked_in_at', 'first_called_at', 'serving_at', 'done_at'], unique=False)


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_report')
        batch_op.drop_column('done_at')
        batch_op.drop_column('serving_at')
        batch_op.drop_column('first_called_at')

    op.drop_table('survey_follow_ups')
