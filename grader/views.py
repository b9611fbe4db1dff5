"""Register the blueprints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint of the web UI."""
    from grader.web import (
        admin,
        candidates,
        evidence,
        exams,
        interview,
        main,
        me,
        outside,
        rankings,
        registration,
        reviews,
        surveys,
        townships,
        trial,
    )

    for module in (main, registration, candidates, townships, exams, admin, me, reviews,
                   rankings, trial, interview, evidence, surveys, outside):
        app.register_blueprint(module.bp)
