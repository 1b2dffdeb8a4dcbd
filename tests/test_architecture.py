"""House rules of the package, checked on the source: layers import downward, modules and functions stay small.

The layers, in pipeline order, are listed in ``analysis/__init__.py``; a module may import its own layer
and the layers before it, never a later one. A function may run past ``MAX_FUNCTION_LINES`` only when its
docstring says why, in a paragraph that starts with ``Length:``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.core import paths

LAYERS: tuple[str, ...] = ("core", "acquire", "build", "collect", "stats", "report", "runner")
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 60
LENGTH_REASON = "Length:"


def package_modules() -> list[Path]:
    return sorted(path for path in paths.ANALYSIS.rglob("*.py") if "__pycache__" not in path.parts)


def layer_of_module(dotted: str) -> str | None:
    """``analysis.build.frame`` -> ``build``; anything outside the package -> None."""
    parts = dotted.split(".")
    if parts[0] != "analysis":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "analysis"


def imported_modules(tree: ast.Module, module_name: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in ``tree``, relative imports made absolute."""
    found: list[tuple[int, str]] = []
    package = module_name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if base == "analysis"]
    return found


def module_name(path: Path) -> str:
    relative = path.relative_to(paths.ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def upward_imports(path: Path, source: str | None = None) -> list[str]:
    """Every import in the module at ``path`` (or in ``source``, read as that module) of a later layer."""
    name = module_name(path)
    own = layer_of_module(name)
    if own not in LAYERS:
        return []
    problems = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for line, target in imported_modules(ast.parse(text), name):
        layer = layer_of_module(target)
        if layer in LAYERS and LAYERS.index(layer) > LAYERS.index(own):
            problems.append(f"{path.relative_to(paths.ROOT)}:{line}: {own} imports {target} ({layer} is a later layer)")
    return problems


def test_every_layer_imports_only_downward():
    problems = [problem for path in package_modules() for problem in upward_imports(path)]
    assert problems == []


def test_the_import_check_catches_upward_and_relative_imports():
    probe = paths.ANALYSIS / "build" / "probe.py"
    source = "from analysis.core import paths\nfrom analysis.report import figures\nfrom ..stats import models\nimport analysis.runner.pipeline\n"
    assert upward_imports(probe, source) == [
        "analysis/build/probe.py:2: build imports analysis.report (report is a later layer)",
        "analysis/build/probe.py:3: build imports analysis.stats (stats is a later layer)",
        "analysis/build/probe.py:4: build imports analysis.runner.pipeline (runner is a later layer)",
    ]


def test_each_layer_says_what_lives_there_and_who_may_import_it():
    for layer in LAYERS:
        docstring = ast.get_docstring(ast.parse((paths.ANALYSIS / layer / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, (
            f"analysis/{layer}/__init__.py needs a docstring naming its importers"
        )


@pytest.mark.parametrize("path", package_modules(), ids=lambda path: str(path.relative_to(paths.ANALYSIS)))
def test_module_stays_under_the_line_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines: split it by concern"


def long_functions_without_reason(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            reason = LENGTH_REASON in (ast.get_docstring(node) or "")
            if length > MAX_FUNCTION_LINES and not reason:
                problems.append(f"{path.relative_to(paths.ROOT)}:{node.lineno} {node.name} has {length} lines")
    return problems


def test_long_functions_say_why():
    problems = [problem for path in package_modules() for problem in long_functions_without_reason(path)]
    assert problems == []


def test_ruff_lint_and_format_pass():
    ruff = Path(sys.executable).with_name("ruff")
    for command in ([str(ruff), "check", "."], [str(ruff), "format", "--check", "."]):
        result = subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"{' '.join(command[1:])}:\n{result.stdout[-3000:]}{result.stderr[-1000:]}"
