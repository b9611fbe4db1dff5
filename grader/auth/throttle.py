"""Login throttling: failed logins counted per account and per IP, with longer waits."""

import math
import time

from flask import Flask, current_app, g, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from grader.errors import CodedError

limiter = Limiter(key_func=get_remote_address)


def storage_uri(config: dict) -> str:
    """Keep the counts in Redis when one is configured (shared by workers), else in memory."""
    for key in ("RATELIMIT_STORAGE_URL", "QUEUE_URL"):
        url = config.get(key) or ""
        if url.startswith(("redis://", "rediss://")):
            return url
    return "memory://"


def _account_key() -> str:
    """Count by the account name tried (an ID's x in either case), whoever tries it."""
    return "login:" + (request.form.get("username") or "").strip().upper()[:64]


def _failed(_response: Response) -> bool:
    """Count only the attempts that failed (the view marks them)."""
    return bool(g.get("login_failed"))


def _off() -> bool:
    """Skip the limits when the configuration turns them off (the test suite)."""
    return not current_app.config["LOGIN_LIMIT_ENABLED"]


def limited(view):
    """Apply the per-account and per-IP limits of failed logins to a login view."""
    common = {"methods": ["POST"], "deduct_when": _failed, "exempt_when": _off}
    by_ip = limiter.limit(lambda: current_app.config["LOGIN_IP_LIMIT"], **common)
    by_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT"],
                               key_func=_account_key, **common)
    return by_account(by_ip(view))


def count_failure() -> None:
    """Mark this login attempt as failed, so it counts against the limits."""
    g.login_failed = True


def refusal() -> CodedError:
    """Describe the breached limit: how many minutes until the next try."""
    limit = limiter.current_limit
    wait = limit.reset_at - 1 - time.time() if limit is not None else 60  # reset_at adds 1 s
    return CodedError("login_throttled", "too many login attempts",
                      minutes=max(1, math.ceil(wait / 60)))


def init_app(app: Flask) -> None:
    """Install the limiter with its storage."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(app.config))
    limiter.init_app(app)
