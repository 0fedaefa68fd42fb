"""Section 10 request tracking: requests, their steps and delay notices; services' processing time; office letterhead; staff e-mail

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-23 15:18:35.245921

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('phone_e164', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('locale', sa.String(length=5), server_default='th', nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('processing_days', sa.Integer(), nullable=False),
    sa.Column('day_kind', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('finished_on', sa.Date(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("day_kind IN ('working', 'calendar')", name=op.f('ck_service_requests_day_kind_known')),
    sa.CheckConstraint("status IN ('received', 'in_progress', 'waiting_for_citizen', 'completed', 'rejected')", name=op.f('ck_service_requests_status_known')),
    sa.CheckConstraint('processing_days BETWEEN 0 AND 365', name=op.f('ck_service_requests_processing_days_range')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_service_requests_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_service_requests_office_id_offices')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_requests_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_requests')),
    sa.UniqueConstraint('office_id', 'reference', name=op.f('uq_service_requests_office_id_reference')),
    sa.UniqueConstraint('token', name=op.f('uq_service_requests_token'))
    )
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_requests_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_service_requests_office_status', ['office_id', 'status', 'due_on'], unique=False)

    op.create_table('delay_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.SmallInteger(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('channels', sa.String(length=20), server_default='', nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_delay_notices_seq_positive')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_delay_notices_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_delay_notices_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delay_notices')),
    sa.UniqueConstraint('request_id', 'seq', name=op.f('uq_delay_notices_request_id_seq'))
    )
    with op.batch_alter_table('delay_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delay_notices_request_id'), ['request_id'], unique=False)

    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_request_events_request_id_service_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_request_events_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_ref_prefix', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('letterhead_th', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('letter_signatory_th', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('letter_contact_th', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('processing_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('processing_day_kind', sa.String(length=10), server_default='working', nullable=False))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))



def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('processing_day_kind')
        batch_op.drop_column('processing_days')

    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_column('letter_contact_th')
        batch_op.drop_column('letter_signatory_th')
        batch_op.drop_column('letterhead_th')
        batch_op.drop_column('letter_ref_prefix')

    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_events_request_id'))

    op.drop_table('request_events')
    with op.batch_alter_table('delay_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delay_notices_request_id'))

    op.drop_table('delay_notices')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_service_requests_office_status')
        batch_op.drop_index(batch_op.f('ix_service_requests_booking_id'))

    op.drop_table('service_requests')
