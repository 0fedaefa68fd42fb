"""services: documents to bring; bookings: keyed hash of the ID's last digits

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:59:57.671437

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nid_tail_bidx', sa.String(length=64), nullable=True))

    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('documents_th', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('documents_en', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('documents_en')
        batch_op.drop_column('documents_th')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('nid_tail_bidx')

