"""administration: audit log, counter services, extended hours

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 15:18:10

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('extra_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('opens < closes', name=op.f('ck_extra_periods_opens_before_closes')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_extra_periods_office_id_offices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_periods'))
    )
    with op.batch_alter_table('extra_periods', schema=None) as batch_op:
        batch_op.create_index('ix_extra_periods_office_day', ['office_id', 'day'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_audit_log_office_id_offices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_log_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_office_at', ['office_id', 'at'], unique=False)

    op.create_table('counter_services',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_counter_services_counter_id_counters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_counter_services_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('counter_id', 'service_id', name=op.f('pk_counter_services'))
    )


def downgrade():
    op.drop_table('counter_services')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_office_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('extra_periods', schema=None) as batch_op:
        batch_op.drop_index('ix_extra_periods_office_day')

    op.drop_table('extra_periods')
