"""The shape of the code: no import cycle between modules of `seconding/` (imports inside functions count: they
hide a cycle, they do not end it), and the clock in one place (`seconding/dates.py`)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "seconding"
CLOCK = {"today_in_warsaw", "WARSAW", "BRUSSELS", "to_utc", "in_range", "EARLIEST", "LATEST"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imports(tree: ast.AST, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that a module imports, anywhere in it."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from seconding import transaction` imports the module seconding.transaction
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else known(node.module))
    return {name for name in found if name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(ast.parse(path.read_text()), modules) - {name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    modules = {"seconding.a": Path("a.py"), "seconding.b": Path("b.py")}
    a = ast.parse("from seconding.b import x")
    b = ast.parse("def f():\n    from seconding.a import y\n")
    graph = {"seconding.a": _imports(a, modules), "seconding.b": _imports(b, modules)}
    assert _cycles(graph) == [["seconding.a", "seconding.b"]]


def test_the_clock_is_defined_once_and_read_from_seconding_dates():
    definers, readers = [], []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text())
        for node in tree.body:
            defined = {node.name} if isinstance(node, ast.FunctionDef) else {
                target.id for target in getattr(node, "targets", []) if isinstance(target, ast.Name)}
            defined |= {elt.id for target in getattr(node, "targets", []) if isinstance(target, ast.Tuple)
                        for elt in target.elts if isinstance(elt, ast.Name)}
            if defined & CLOCK and name != "seconding.dates":
                definers.append((name, sorted(defined & CLOCK)))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "seconding.dates" and (
                    {alias.name for alias in node.names} & CLOCK):
                readers.append((name, node.module))
    assert definers == [] and readers == []
