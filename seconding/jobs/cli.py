"""`flask jobs worker [--workers N]`: run the background jobs (imports, exports, packages) on this host."""
import click
from flask import current_app

from seconding.jobs.queue import queue


@click.group("jobs")
def jobs() -> None:
    """Background jobs: the worker that runs them."""


@jobs.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="Jobs run at once by this process (threads); default JOBS_WORKERS.")
def worker_command(workers: int | None) -> None:
    """Run jobs from the queue until stopped (Ctrl+C lets the running jobs finish; SIGTERM stops at once, and a job
    cut short changes nothing)."""
    count = workers or current_app.config["JOBS_WORKERS"]
    click.echo(f"Job worker: {count} at once, queue {current_app.config['JOBS_QUEUE_URL'].split('@')[-1]}", err=True)
    queue().run_worker(count)


commands = [jobs]
