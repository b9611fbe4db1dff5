"""The grader web application: recruitment funnel for rural e-commerce partners."""

import os
import secrets
from pathlib import Path
from types import ModuleType

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
    _settle_secret(app, config)
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


def _settle_secret(app: Flask, config: ModuleType) -> None:
    """Use the given SECRET_KEY, else (outside production) the instance folder's own key.

    The built-in development key and keys under 32 bytes are refused outside tests: anyone
    who knows the key can forge a session cookie.
    """
    key = app.config.get("SECRET_KEY") or ""
    if not key and app.config.get("PRODUCTION"):
        raise RuntimeError("refusing to start in production without SECRET_KEY; set one of "
                           f"at least {config.MIN_SECRET_BYTES} random bytes")
    if not key:
        app.config["SECRET_KEY"] = key = _instance_secret(Path(app.instance_path))
    if app.testing:
        return
    if key == config.DEV_SECRET or len(key.encode()) < config.MIN_SECRET_BYTES:
        raise RuntimeError("refusing to start with a weak SECRET_KEY (the built-in one, or "
                           f"under {config.MIN_SECRET_BYTES} bytes); set a long random one")


def _instance_secret(inst: Path) -> str:
    """Return the instance folder's random key, made once and readable by its owner only."""
    path = inst / "secret_key"
    if not path.exists():
        tmp = inst / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: of workers starting together, the first key wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    """Wire every subsystem into the app."""
    from grader import auth, campaign, db, i18n, jobs, views
    from grader.web import errors, security

    security.init_app(app)  # before the routes: the bounded int converter
    db.init_app(app)
    campaign.init_app(app)
    jobs.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    errors.init_app(app)
