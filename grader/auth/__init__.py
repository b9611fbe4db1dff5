"""Accounts: Flask-Login sessions, CSRF, the login pages and role checks."""

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from grader.auth import sessions, throttle
from grader.models import User

login_manager = LoginManager()
csrf = CSRFProtect()


@login_manager.user_loader
def _load_user(cookie_id: str) -> User | None:
    """Load the logged-in user from the session cookie ("id:session version")."""
    return sessions.load_user(cookie_id)


def init_app(app: Flask) -> None:
    """Install login, CSRF and the auth blueprint."""
    from grader.auth.routes import guard
    from grader.auth.views import bp

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    sessions.init_app(app)
    throttle.init_app(app)
    app.register_blueprint(bp)
    app.before_request(guard)  # after CSRF's own check: the route table, for every endpoint
