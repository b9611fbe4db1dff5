import ast
from pathlib import Path

import uploads

ALLOWED = {"PIL", "pytesseract", "imagehash", "pypdf", "docx", "numpy", "rapidocr_onnxruntime",
           "uploads", "defusedxml", "lxml"}  # defusedxml guards DOCX XML; lxml is python-docx's parser


def test_uploads_imports_only_stdlib_and_chosen_libraries():
    import sys

    for path in Path(uploads.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in ("flask", "grader"), f"{path.name} imports {name}"
                assert top in ALLOWED or top in sys.stdlib_module_names, f"{path.name}: {name}"
