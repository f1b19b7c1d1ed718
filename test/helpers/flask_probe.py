"""Start a Flask app from a directory on 127.0.0.1 and print its URL map, without changing the app.

usage: flask_probe.py APP_DIR TARGET   (TARGET: "module:attr" or "module:factory()")
Prints one JSON line {"port": N, "rules": [...]} and serves until killed.
"""
import importlib
import json
import sys

from werkzeug.serving import make_server


def load(target):
    module_name, _, expr = target.partition(":")
    module = importlib.import_module(module_name)
    if expr.endswith("()"):
        return getattr(module, expr[:-2])()
    return getattr(module, expr)


def main():
    app_dir, target = sys.argv[1], sys.argv[2]
    sys.path.insert(0, app_dir)
    app = load(target)
    rules = []
    for rule in app.url_map.iter_rules():
        methods = sorted(m for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS"))
        rules.append({"rule": rule.rule, "methods": methods, "endpoint": rule.endpoint})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(json.dumps({"port": server.server_port, "rules": rules}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
