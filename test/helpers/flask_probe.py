"""Load a Flask app from a directory exactly as it is written and report what Flask itself made of it.

usage: flask_probe.py [--url-map] APP_DIR TARGET
  TARGET   "module:attr", "module:factory()" or a factory call with literal arguments, "module:make('prod')"
  --url-map  print the URL map as one JSON line and exit
  otherwise  serve the app on 127.0.0.1 (a free port chosen by the OS) and print one JSON line with the port
             and the URL map once the socket accepts connections; serve until SIGTERM or until stdin closes,
             so the server never outlives the process that started it.

Each rule: {"rule", "endpoint", "methods" (sorted, without HEAD/OPTIONS), "views": [{"methods", "file",
"line", "endLine"}]}. A view's location is the source of the function Python runs for those methods: the
first decorator line through the end of the function, or for class-based views and resources the method
(`def get(self)`) that handles them. "file" is relative to APP_DIR, null outside it.
"""
import ast
import importlib
import inspect
import json
import logging
import os
import sys
import threading

IMPLICIT = ("HEAD", "OPTIONS")


def load(target):
    module_name, _, expr = target.partition(":")
    module = importlib.import_module(module_name)
    if "(" not in expr:
        return getattr(module, expr)
    call = ast.parse(expr, mode="eval").body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise SystemExit(f"flask_probe: cannot read the target {target!r}")
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return getattr(module, call.func.id)(*args, **kwargs)


def location(func, app_dir):
    func = inspect.unwrap(func)
    lines, start = inspect.getsourcelines(func)
    # Trailing comments belong to no statement; the function ends at its last line of code.
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    path = os.path.realpath(inspect.getsourcefile(func))
    rel = os.path.relpath(path, app_dir)
    inside = not rel.startswith(os.pardir + os.sep)
    return {"file": rel.replace(os.sep, "/") if inside else None, "line": start, "endLine": start + len(lines) - 1}


def views(view_func, methods, app_dir):
    """Where the code behind each method of a rule lives, grouped by the function that handles it."""
    inner = inspect.unwrap(view_func, stop=lambda f: hasattr(f, "view_class"))
    view_class = getattr(inner, "view_class", None)
    handlers = {}
    for method in methods:
        if view_class is None:
            handler = view_func
        else:
            handler = getattr(view_class, method.lower(), None) or view_class.dispatch_request
        handlers.setdefault(handler, []).append(method)
    out = []
    for handler, handled in handlers.items():
        out.append({"methods": sorted(handled), **location(handler, app_dir)})
    return sorted(out, key=lambda v: (v["file"] or "", v["line"], v["methods"]))


def url_map(app, app_dir):
    rules = []
    for rule in app.url_map.iter_rules():
        methods = sorted(m for m in (rule.methods or ()) if m not in IMPLICIT)
        entry = {"rule": rule.rule, "endpoint": rule.endpoint, "methods": methods, "views": []}
        view_func = app.view_functions.get(rule.endpoint)
        if view_func is not None and rule.endpoint != "static" and not rule.endpoint.endswith(".static"):
            entry["views"] = views(view_func, methods, app_dir)
        rules.append(entry)
    return sorted(rules, key=lambda r: (r["rule"], r["methods"]))


def exit_when_parent_goes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    args = sys.argv[1:]
    only_map = "--url-map" in args
    args = [a for a in args if a != "--url-map"]
    if len(args) != 2:
        raise SystemExit(__doc__)
    app_dir, target = os.path.realpath(args[0]), args[1]
    sys.path.insert(0, app_dir)
    # Whatever the app prints while it loads goes to stderr: stdout carries only our one JSON line.
    out, sys.stdout = sys.stdout, sys.stderr
    app = load(target)
    rules = url_map(app, app_dir)
    if only_map:
        print(json.dumps({"rules": rules}), file=out, flush=True)
        return

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    print(json.dumps({"port": server.server_port, "rules": rules}), file=out, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
