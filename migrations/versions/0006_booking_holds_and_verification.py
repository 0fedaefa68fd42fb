"""fairness: offices' verification (none | otp) and hold minutes; held bookings (no number until
the code is confirmed), the code's keyed hash and wrong tries; holds counted per day; the
Idempotency-Key's body fingerprint

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00

A held booking has no number yet, so ``bookings.seq`` and ``bookings.number`` become nullable,
and the status check and the "one active booking per person" indexes learn ``held``. Both
changes only widen what is allowed. PostgreSQL alters the constraints; SQLite cannot alter a
CHECK or NOT NULL in place, and rebuilding ``bookings`` would, with foreign keys on, delete
every booking event with it (a DROP TABLE runs an implicit DELETE that cascades). So SQLite's
stored table definition is edited instead, SQLite's documented procedure for removing CHECK
and NOT NULL constraints (https://www.sqlite.org/lang_altertable.html, "otherwise").
"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_OLD_STATUSES = "('booked', 'checked_in', 'waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')"
_NEW_STATUSES = "('held', 'booked', 'checked_in', 'waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')"
_OLD_ACTIVE = "status IN ('booked', 'called', 'checked_in', 'serving', 'waiting')"
_NEW_ACTIVE = "status IN ('booked', 'called', 'checked_in', 'held', 'serving', 'waiting')"
_ACTIVE_INDEXES = {'uq_bookings_active_national_id': 'nid_bidx', 'uq_bookings_active_phone': 'phone_e164'}


def _edit_sqlite_table(table: str, replacements: list[tuple[str, str]]) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    for old, new in replacements:
        if old not in sql:
            raise RuntimeError(f"{table}: expected {old!r} in its definition")
        sql = sql.replace(old, new)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_active_indexes(where: str) -> None:
    for name, column in _ACTIVE_INDEXES.items():
        op.drop_index(name, table_name='bookings')
        op.create_index(name, 'bookings', ['office_id', 'day', column], unique=True,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_fingerprint', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hold_expires_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hold_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hold_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_bookings_holds', ['status', 'hold_expires_at'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        _edit_sqlite_table('bookings', [
            ('seq INTEGER NOT NULL,', 'seq INTEGER,'),
            ('number VARCHAR(10) NOT NULL,', 'number VARCHAR(10),'),
            (f'CHECK (status IN {_OLD_STATUSES})', f'CHECK (status IN {_NEW_STATUSES})'),
        ])
    else:
        op.alter_column('bookings', 'seq', existing_type=sa.Integer(), nullable=True)
        op.alter_column('bookings', 'number', existing_type=sa.String(length=10), nullable=True)
        op.drop_constraint(op.f('ck_bookings_status_known'), 'bookings', type_='check')
        op.create_check_constraint(op.f('ck_bookings_status_known'), 'bookings', f'status IN {_NEW_STATUSES}')
    _replace_active_indexes(_NEW_ACTIVE)

    with op.batch_alter_table('daily_quotas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification', sa.String(length=8), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('hold_minutes', sa.Integer(), server_default='10', nullable=False))


def downgrade():
    # Holds have no number: they end (cancelled) before the columns may refuse NULL again.
    op.execute("UPDATE daily_quotas SET held = 0")
    op.execute("UPDATE bookings SET status = 'cancelled' WHERE status = 'held'")
    op.execute("DELETE FROM bookings WHERE seq IS NULL")

    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_column('hold_minutes')
        batch_op.drop_column('verification')

    with op.batch_alter_table('daily_quotas', schema=None) as batch_op:
        batch_op.drop_column('held')

    _replace_active_indexes(_OLD_ACTIVE)
    if op.get_bind().dialect.name == 'sqlite':
        _edit_sqlite_table('bookings', [
            ('seq INTEGER,', 'seq INTEGER NOT NULL,'),
            ('number VARCHAR(10),', 'number VARCHAR(10) NOT NULL,'),
            (f'CHECK (status IN {_NEW_STATUSES})', f'CHECK (status IN {_OLD_STATUSES})'),
        ])
    else:
        op.drop_constraint(op.f('ck_bookings_status_known'), 'bookings', type_='check')
        op.create_check_constraint(op.f('ck_bookings_status_known'), 'bookings', f'status IN {_OLD_STATUSES}')
        op.alter_column('bookings', 'number', existing_type=sa.String(length=10), nullable=False)
        op.alter_column('bookings', 'seq', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_holds')
        batch_op.drop_column('hold_attempts')
        batch_op.drop_column('hold_code_hash')
        batch_op.drop_column('hold_expires_at')
        batch_op.drop_column('idempotency_fingerprint')
