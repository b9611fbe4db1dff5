"""Look for local edits in the fields that decide a verdict (placeholder)."""

from PIL import Image

from uploads.fields import Findings
from uploads.ocr import Line
from uploads.rules import TaskRules


def edit_signs(img: Image.Image, lines: tuple[Line, ...], found: Findings,
               rules: TaskRules) -> list[str]:
    """Return possible_edit reasons for the fields that decide the verdict."""
    return []
