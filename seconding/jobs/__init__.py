"""Background jobs (issue: long work off the request): the queue, the jobs' life, their pages and the worker."""
from importlib import import_module

from flask import Flask

# The areas' job kinds, each module registering its own with `seconding.jobs.services.kind`.
KIND_MODULES = (
    "seconding.register.jobs",
    "seconding.register.export_jobs",
    "seconding.packages.jobs",
    "seconding.missions.jobs",
    "seconding.nip.jobs",
    "seconding.training.jobs",
)


def init_app(app: Flask) -> None:
    from seconding.jobs.queue import Queue, default_url
    from seconding.jobs.services import execute

    if not app.config.get("JOBS_QUEUE_URL"):
        app.config["JOBS_QUEUE_URL"] = default_url(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    for name in KIND_MODULES:
        import_module(name)
    app.extensions["jobs"] = Queue(app, execute)
    if app.config["JOBS_IN_PROCESS"]:
        app.extensions["jobs"].start_threads(app.config["JOBS_WORKERS"])
