"""survey forms per office (seed 004's examples 1 and 2), retired items, and what a response
answered (its form, example 2's items 28 and 29)

Revision ID: 0023
Revises: 0016
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "office_survey_forms",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("changed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_office_survey_forms_office_id_offices"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("office_id", name=op.f("pk_office_survey_forms")),
    )
    op.create_table(
        "retired_survey_items",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=20), nullable=False),
        sa.Column("retired_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_retired_survey_items_office_id_offices"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_retired_survey_items_staff_id_staff"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("office_id", "question_id", name=op.f("pk_retired_survey_items")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form", sa.String(length=20), server_default="example_1", nullable=False))
        batch_op.add_column(sa.Column("improve", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("feedback_channel", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_column("feedback_channel")
        batch_op.drop_column("improve")
        batch_op.drop_column("form")
    op.drop_table("retired_survey_items")
    op.drop_table("office_survey_forms")
