"""scoring/ imports only the standard library, numpy and scikit-learn."""

import ast
import sys
from pathlib import Path

ALLOWED = set(sys.stdlib_module_names) | {"numpy", "sklearn", "scoring", "__future__"}
PACKAGE = Path(__file__).resolve().parents[2] / "scoring"


def imported_roots(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_scoring_imports_only_stdlib_numpy_and_sklearn():
    files = sorted(PACKAGE.glob("*.py"))
    assert files
    bad = {f"{f.name}: {root}" for f in files for root in imported_roots(f) if root not in ALLOWED}
    assert not bad
