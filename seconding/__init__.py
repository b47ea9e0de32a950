"""seconding: the national tracker for seconding civilian experts to EU civilian CSDP missions."""
import os

from flask import Flask

from seconding import config as config_module


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, errors, scheduler — in that order."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None,
                instance_relative_config=True, template_folder="../templates")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    config_module.finish(app.config)

    from seconding import transaction
    from seconding.web import init_extensions, register_blueprints, register_errors, register_hooks, trust_proxies

    trust_proxies(app)
    init_extensions(app)
    register_blueprints(app)

    from seconding import jobs

    jobs.init_app(app)

    from seconding.cli import register_cli

    register_cli(app)
    register_errors(app)
    register_hooks(app)
    transaction.init_app(app)  # one commit per request: after the blueprints' hooks, before the app's

    if app.config["SCHEDULER_ENABLED"]:
        from seconding.scheduler import start_scheduler

        start_scheduler(app)
    return app
