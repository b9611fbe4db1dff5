"""The grader web application: recruitment funnel for rural e-commerce partners."""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    import config

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config.config_for_environment())
    app.config.update(config.environment_overrides())
    if test_config:
        app.config.update(test_config)
    _fill_paths(app)
    _refuse_insecure(app, config.DEV_SECRET)
    _init_extensions(app)
    return app


def _fill_paths(app: Flask) -> None:
    """Default the database, storage and queue into the instance folder."""
    inst = Path(app.instance_path)
    inst.mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{inst / 'grader.db'}"
    if not app.config.get("STORAGE_DIR"):
        app.config["STORAGE_DIR"] = str(inst / "storage")
    if not app.config.get("QUEUE_URL"):
        app.config["QUEUE_URL"] = f"sqlite:///{inst / 'queue.db'}"


def _refuse_insecure(app: Flask, dev_secret: str) -> None:
    """Stop a production start that still uses the development secret."""
    if app.config.get("PRODUCTION") and app.config["SECRET_KEY"] in ("", dev_secret):
        raise RuntimeError("refusing to start in production with the development SECRET_KEY")


def _init_extensions(app: Flask) -> None:
    """Wire every subsystem into the app."""
    from grader import auth, campaign, db, i18n, jobs, views
    from grader.web import security

    security.init_app(app)  # before the routes: the bounded int converter
    db.init_app(app)
    campaign.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
