"""job queue schema (procrastinate) on PostgreSQL

The PostgreSQL job queue behind `openlicense worker` (issue 10) keeps its jobs, periodic
deferrals and worker heartbeats in procrastinate's own tables, types, functions and triggers,
created here from the schema file shipped with the installed procrastinate (pinned to 3.10.x in
pyproject.toml, whose schema this revision expects). SQLite, the embedded default, runs the
same tasks in-process and needs nothing.

Revision ID: 3b9e4f2c8d10
Revises: 7c1d0e5a9b21
Create Date: 2026-12-03 13:30:00+00:00
"""

from __future__ import annotations

from importlib import resources

from alembic import op
from sqlalchemy.util import await_only

revision = "3b9e4f2c8d10"
down_revision = "7c1d0e5a9b21"
branch_labels = None
depends_on = None

_DROP = (
    "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
    "procrastinate_jobs, procrastinate_workers CASCADE",
    "DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
    "procrastinate_job_status CASCADE",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = resources.files("procrastinate").joinpath("sql/schema.sql").read_text("utf-8")
    # Many statements with dollar-quoted bodies: the driver's simple-query protocol runs them.
    driver = bind.connection.driver_connection
    await_only(driver.execute(schema))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    functions = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate_%'"
    ).scalars()
    for statement in _DROP:
        bind.exec_driver_sql(statement)
    for signature in list(functions):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
