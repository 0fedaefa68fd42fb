"""confidential complaint topics, complaint intake channel, close/reopen and the handling
question; Section 10 pause clock, postal address and the letters' running numbers

Revision ID: 0022
Revises: 0023
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0023"
branch_labels = None
depends_on = None

_CHANNELS = "('web', 'phone', 'letter', 'walk_in', 'hotline_1111', 'survey')"


def upgrade():
    with op.batch_alter_table("complaint_topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidential", sa.Boolean(), server_default=sa.false(), nullable=False))
    # The defaults: complaints about a staff member's conduct or about corruption are confidential.
    op.execute(
        "UPDATE complaint_topics SET confidential = "
        + ("true" if op.get_bind().dialect.name == "postgresql" else "1")
        + " WHERE code IN ('staff_conduct', 'corruption')"
    )

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), server_default="web", nullable=False))
        batch_op.add_column(sa.Column("closed_at", app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handling_satisfied", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("handling_comment", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("handling_answered_at", app.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_check_constraint(op.f("ck_complaints_channel_known"), f"channel IN {_CHANNELS}")
    op.execute("UPDATE complaints SET channel = 'survey' WHERE survey_response_id IS NOT NULL")

    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postal_address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("paused_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paused_days", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("delay_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("letter_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pending_review", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_notice_review", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "letter_counters",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_letter_counters_office_id_offices"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("office_id", "year", name=op.f("pk_letter_counters")),
    )


def downgrade():
    op.drop_table("letter_counters")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_column("first_notice_review")
    with op.batch_alter_table("delay_notices", schema=None) as batch_op:
        batch_op.drop_column("pending_review")
        batch_op.drop_column("letter_number")
        batch_op.drop_column("letter_year")
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_column("paused_days")
        batch_op.drop_column("paused_on")
        batch_op.drop_column("postal_address")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_complaints_channel_known"), type_="check")
        batch_op.drop_column("handling_answered_at")
        batch_op.drop_column("handling_comment")
        batch_op.drop_column("handling_satisfied")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("channel")
    with op.batch_alter_table("complaint_topics", schema=None) as batch_op:
        batch_op.drop_column("confidential")
