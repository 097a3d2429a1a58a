"""The tree keeps its architecture: one name one meaning, a CLI that starts light, a README
layout table that matches the tree."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from tests.builders import REPO_ROOT

ROOT = REPO_ROOT
PACKAGES = ("solver", "scheduler", "web", "cli")
#: The table models are the stored form of the domain classes of the same name: one meaning.
TABLE_MODELS = ROOT / "scheduler" / "core" / "models.py"
#: Heavy libraries the `reformer` command must not import before a command runs.
HEAVY = ("ortools", "flask", "sqlalchemy", "sqlmodel", "highspy", "matplotlib", "numpy")


def _is_view_or_command(node: ast.AST) -> bool:
    """A Flask view or a click command: found by its URL or command name, never imported."""
    for decorator in getattr(node, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ast.unparse(target)
        if name.startswith("bp.") or name.startswith("click.") or name.endswith(".command"):
            return True
        if name.endswith(".group"):
            return True
    return False


def public_names(root: Path = ROOT) -> dict[str, list[str]]:
    """Every public top-level function and class, by name, with the modules defining it."""
    found: dict[str, list[str]] = defaultdict(list)
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts or path == TABLE_MODELS:
                continue
            for node in ast.parse(path.read_text()).body:
                if not isinstance(node, ast.FunctionDef | ast.ClassDef):
                    continue
                if node.name.startswith("_") or _is_view_or_command(node):
                    continue
                found[node.name].append(str(path.relative_to(root)))
    return found


def test_no_two_public_functions_or_classes_share_a_name():
    shared = {name: where for name, where in public_names().items() if len(where) > 1}
    assert shared == {}


def test_the_name_check_finds_a_name_defined_twice(tmp_path):
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "solver" / "a.py").write_text("def load_week():\n    pass\n")
    (tmp_path / "scheduler" / "b.py").write_text("def load_week():\n    pass\n")
    (tmp_path / "web" / "c.py").write_text("@bp.get('/')\ndef load_week():\n    pass\n")
    assert public_names(tmp_path) == {"load_week": ["solver/a.py", "scheduler/b.py"]}


def test_the_reformer_command_imports_no_heavy_library_to_show_its_help():
    probe = (
        "import sys, json\n"
        "from click.testing import CliRunner\n"
        "from cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_each_command_group_lives_in_the_cli_module_named_after_it():
    import click

    from cli.commands import COMMANDS

    groups = {c.name: c.callback.__module__ for c in COMMANDS if isinstance(c, click.Group)}
    assert groups, "the CLI has command groups"
    for name, module in groups.items():
        assert module.removeprefix("cli.").startswith(name), (name, module)


def layout_table() -> dict[str, str]:
    """The README's layout table: each folder with the text of its modules column."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Layout of the code", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            rows[cells[0].strip("`")] = cells[2]
    return rows


def test_the_readme_layout_table_names_every_package_of_the_tree():
    packages = {
        f"{path.parent.relative_to(ROOT)}/"
        for package in PACKAGES
        for path in (ROOT / package).rglob("__init__.py")
        if "migrations" not in path.parts
    }
    packages -= {"scheduler/"}  # only a namespace for its sub-packages
    assert packages - set(layout_table()) == set()


def test_the_readme_layout_table_names_every_module_where_it_is():
    for folder, modules in layout_table().items():
        named = set(_modules_named(modules))
        for name in named:
            assert (ROOT / folder / name).exists(), f"README names {folder}{name}, not in the tree"
        if folder.split("/")[0] in PACKAGES:
            present = {p.name for p in (ROOT / folder).glob("*.py")} - {"__init__.py"}
            assert present - named == set(), f"README's {folder} row leaves modules out"


def _modules_named(text: str) -> list[str]:
    """The file and folder names in backticks in a row's modules column: `x.py`, `dir/`."""
    return re.findall(r"`([a-z_]+\.py|[a-z_]+/)`", text)
