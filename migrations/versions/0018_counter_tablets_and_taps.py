"""office floor: counters' satisfaction tablets (kiosks.kind "rating", bound to a counter) and
the faces tapped on them (counter_taps: one per visit, its survey response)

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='kiosk', nullable=False))
        batch_op.add_column(sa.Column('counter_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_kiosks_counter_id_counters'), 'counters', ['counter_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_check_constraint(batch_op.f('ck_kiosks_kind_known'), "kind IN ('kiosk', 'rating')")
        batch_op.create_check_constraint(
            batch_op.f('ck_kiosks_rating_has_counter'), "kind = 'kiosk' OR counter_id IS NOT NULL"
        )

    op.create_table('counter_taps',
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('tablet_id', sa.Integer(), nullable=True),
    sa.Column('at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_counter_taps_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_counter_taps_response_id_survey_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tablet_id'], ['kiosks.id'], name=op.f('fk_counter_taps_tablet_id_kiosks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('booking_id', name=op.f('pk_counter_taps')),
    sa.UniqueConstraint('response_id', name=op.f('uq_counter_taps_response_id'))
    )


def downgrade():
    op.drop_table('counter_taps')
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_kiosks_rating_has_counter'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_kiosks_kind_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_kiosks_counter_id_counters'), type_='foreignkey')
        batch_op.drop_column('counter_id')
        batch_op.drop_column('kind')
