"""The app's file storage (content-addressed under STORAGE_DIR)."""

from flask import current_app

from uploads.storage import FileStorage


def get_storage() -> FileStorage:
    """Return the storage of the running app."""
    ext = current_app.extensions
    if "grader.storage" not in ext:
        ext["grader.storage"] = FileStorage(current_app.config["STORAGE_DIR"])
    return ext["grader.storage"]
