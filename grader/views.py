"""Register the blueprints."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint of the web UI."""
    from grader.web import (
        admin,
        candidates,
        duties,
        evidence,
        exams,
        interview,
        main,
        menu,
        me,
        notices,
        outside,
        publicity,
        rankings,
        registration,
        replacements,
        stations,
        reviews,
        standing,
        surveys,
        townships,
        trial,
    )

    for module in (main, registration, candidates, townships, exams, admin, me, reviews,
                   rankings, trial, interview, evidence, surveys, publicity, stations,
                   duties, standing, replacements, notices, outside):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["menu"] = menu.menu  # base.html's main menu, built once per role
    app.context_processor(menu.reader)
