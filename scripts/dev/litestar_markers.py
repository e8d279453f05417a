"""Rewrite Litestar handler/provider signatures to explicit markers:
dependencies → NamedDependency[T], path params → FromPath[T], plain query params → FromQuery[T]."""
import ast, re, sys, pathlib

DEPS = {"db_session", "settings", "clock", "session_maker", "search_engine", "payment_gateway",
        "document_source", "patents", "declarations", "acceptance", "obligations", "payments",
        "accounts", "filters", "state"}
SKIP = {"self", "request", "socket", "scope", "headers", "cookies", "query"}
ROUTE = {"get", "post", "patch", "put", "delete", "route"}

def decorator_path(node):
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id in ROUTE:
            if d.args and isinstance(d.args[0], ast.Constant):
                return d.args[0].value
            for kw in d.keywords:
                if kw.arg == "path" and isinstance(kw.value, ast.Constant):
                    return kw.value.value
            return ""
    return None

def controller_path(cls):
    for st in cls.body:
        if isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "path" for t in st.targets):
            if isinstance(st.value, ast.Constant): return st.value.value
    return ""

def rewrite(path: pathlib.Path) -> int:
    src = path.read_text()
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    offsets = [0]
    for l in lines: offsets.append(offsets[-1] + len(l))
    def pos(lineno, col): return offsets[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode())
    edits = []
    used = set()
    def handle(fn, prefix_path, is_provider):
        route = decorator_path(fn)
        if route is None and not is_provider: return
        full = (prefix_path or "") + (route or "")
        path_params = set(re.findall(r"{([a-z_]+)(?::[a-z]+)?}", full))
        args = fn.args.args + fn.args.kwonlyargs
        for a in args:
            if a.arg in SKIP or a.annotation is None: continue
            ann = a.annotation
            text = src[pos(ann.lineno, ann.col_offset):pos(ann.end_lineno, ann.end_col_offset)]
            if text.startswith(("NamedDependency[", "FromPath[", "FromQuery[", "FromHeader[", "JSONBody[")): continue
            if text.startswith(("JSONBody[", "Body[")):
                continue
            if a.arg == "data":
                new = f"JSONBody[{text}]"; used.add("JSONBody")
            elif a.arg in DEPS:
                new = f"NamedDependency[{text}]"; used.add("NamedDependency")
            elif a.arg in path_params:
                new = f"FromPath[{text}]"; used.add("FromPath")
            elif is_provider:
                continue
            elif text.startswith("Annotated["):
                continue
            else:
                new = f"FromQuery[{text}]"; used.add("FromQuery")
            edits.append((pos(ann.lineno, ann.col_offset), pos(ann.end_lineno, ann.end_col_offset), new))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            cp = controller_path(node)
            for fn in node.body:
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    handle(fn, cp, False)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            handle(node, "", node.name.startswith("provide_"))
    if not edits: return 0
    for start, end, new in sorted(edits, reverse=True):
        src = src[:start] + new + src[end:]
    imports = []
    if "NamedDependency" in used and "import NamedDependency" not in src:
        imports.append("from litestar.di import NamedDependency\n")
    params = sorted(u for u in used if u.startswith("From") or u == "JSONBody")
    if params:
        imports.append(f"from litestar.params import {', '.join(params)}\n")
    if imports:
        i = src.index("from __future__ import annotations\n") + len("from __future__ import annotations\n")
        src = src[:i] + "".join(imports) + src[i:]
    path.write_text(src)
    return len(edits)

for f in sys.argv[1:]:
    print(f, rewrite(pathlib.Path(f)))
