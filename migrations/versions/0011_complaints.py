"""complaints: topics and service levels per office, complaints, replies, events

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:17:59

"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "complaint_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_complaint_topics_office_id_offices"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_topics")),
        sa.UniqueConstraint("office_id", "code", name=op.f("uq_complaint_topics_office_id_code")),
    )
    op.create_table(
        "office_complaint_settings",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("sla_urgent_days", sa.Integer(), server_default="1", nullable=False),
        sa.Column("sla_high_days", sa.Integer(), server_default="3", nullable=False),
        sa.Column("sla_normal_days", sa.Integer(), server_default="15", nullable=False),
        sa.Column("summary_email", sa.String(length=254), nullable=True),
        sa.CheckConstraint("sla_high_days BETWEEN 1 AND 365", name=op.f("ck_office_complaint_settings_sla_high_range")),
        sa.CheckConstraint(
            "sla_normal_days BETWEEN 1 AND 365", name=op.f("ck_office_complaint_settings_sla_normal_range")
        ),
        sa.CheckConstraint(
            "sla_urgent_days BETWEEN 1 AND 365", name=op.f("ck_office_complaint_settings_sla_urgent_range")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_office_complaint_settings_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("office_id", name=op.f("pk_office_complaint_settings")),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone_e164", sa.String(length=16), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("locale", sa.String(length=5), server_default="th", nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("survey_response_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("priority IN ('urgent', 'high', 'normal')", name=op.f("ck_complaints_priority_known")),
        sa.CheckConstraint(
            "status IN ('received', 'assigned', 'in_progress', 'resolved', 'closed')",
            name=op.f("ck_complaints_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff.id"], name=op.f("fk_complaints_assignee_id_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_complaints_booking_id_bookings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_complaints_office_id_offices")),
        sa.ForeignKeyConstraint(
            ["survey_response_id"],
            ["survey_responses.id"],
            name=op.f("fk_complaints_survey_response_id_survey_responses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["complaint_topics.id"], name=op.f("fk_complaints_topic_id_complaint_topics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("reference", name=op.f("uq_complaints_reference")),
        sa.UniqueConstraint("survey_response_id", name=op.f("uq_complaints_survey_response_id")),
        sa.UniqueConstraint("token", name=op.f("uq_complaints_token")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index("ix_complaints_office_received", ["office_id", "received_at"], unique=False)
        batch_op.create_index("ix_complaints_office_status", ["office_id", "status"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "status IS NULL OR status IN ('received', 'assigned', 'in_progress', 'resolved', 'closed')",
            name=op.f("ck_complaint_replies_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_replies_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_complaint_replies_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_replies")),
    )
    with op.batch_alter_table("complaint_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_replies_complaint_id"), ["complaint_id"], unique=False)


def downgrade():
    with op.batch_alter_table("complaint_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_replies_complaint_id"))

    op.drop_table("complaint_replies")
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_office_status")
        batch_op.drop_index("ix_complaints_office_received")
        batch_op.drop_index(batch_op.f("ix_complaints_booking_id"))

    op.drop_table("complaints")
    op.drop_table("office_complaint_settings")
    op.drop_table("complaint_topics")
