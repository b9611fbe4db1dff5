"""Register the blueprints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint of the web UI."""
    from grader.web import admin, candidates, exams, main, registration, townships

    for module in (main, registration, candidates, townships, exams, admin):
        app.register_blueprint(module.bp)
