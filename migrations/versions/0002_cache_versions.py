"""cache_versions: one row per kind of slow-changing data kept in each worker's memory

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_versions',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions'))
    )


def downgrade():
    op.drop_table('cache_versions')
