import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "surveys"
ALLOWED = {"surveys", "phonenumbers", "openpyxl"}


def test_surveys_imports_only_stdlib_phonenumbers_openpyxl():
    found = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    outside = {name for name in found - ALLOWED if name not in sys.stdlib_module_names}
    assert outside == set()
    assert "flask" not in found and "grader" not in found
