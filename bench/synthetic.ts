/**
 * A deterministic synthetic Flask code base: many services, each an app factory with nested blueprints,
 * Flask-RESTful resources, MethodViews, JWT / Flask-Login / hand-written guards, before_request hooks, and the
 * plain Python (models, services) that surrounds routes in real repositories. The same options always give the
 * same files, byte for byte.
 */

export interface SyntheticOptions {
  /** Number of .py files; default 1500. */
  files?: number;
  /** PRNG seed; default 1. */
  seed?: number;
}

export interface SyntheticFile {
  path: string;
  text: string;
}

const API_MODULES = 12;
const MODEL_MODULES = 7;
const SERVICE_MODULES = 7;
const WORDS = [
  'account',
  'invoice',
  'order',
  'ticket',
  'report',
  'project',
  'member',
  'device',
  'payment',
  'shipment',
  'profile',
  'session',
  'audit',
  'export',
  'webhook',
  'comment',
];
const FIELDS = ['name', 'status', 'owner_id', 'created_at', 'amount', 'note', 'region', 'kind', 'priority'];

/** mulberry32: small, fast, and the same sequence on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticCodeBase(options: SyntheticOptions = {}): SyntheticFile[] {
  const total = options.files ?? 1500;
  const random = prng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: SyntheticFile[] = [];
  for (let svc = 0; out.length < total; svc++) {
    for (const file of service(svc, random, pick)) {
      if (out.length >= total) break;
      out.push(file);
    }
  }
  return out;
}

function service(svc: number, random: () => number, pick: <T>(items: readonly T[]) => T): SyntheticFile[] {
  const pkg = `services/svc_${String(svc).padStart(4, '0')}`;
  const files: SyntheticFile[] = [];
  const apiNames = Array.from({ length: API_MODULES }, (_, j) => `${WORDS[j % WORDS.length]}_${j}`);
  files.push({ path: `${pkg}/__init__.py`, text: appFactory(apiNames, random) });
  files.push({ path: `${pkg}/extensions.py`, text: EXTENSIONS });
  files.push({ path: `${pkg}/security.py`, text: SECURITY });
  files.push({ path: `${pkg}/api/__init__.py`, text: API_PARENT });
  apiNames.forEach((name, j) => {
    const text = j % 4 === 3 ? restfulModule(name, random, pick) : blueprintModule(name, j, random, pick);
    files.push({ path: `${pkg}/api/${name}.py`, text });
  });
  for (let j = 0; j < MODEL_MODULES; j++)
    files.push({ path: `${pkg}/models/model_${j}.py`, text: modelModule(j, random, pick) });
  for (let j = 0; j < SERVICE_MODULES; j++)
    files.push({ path: `${pkg}/logic/logic_${j}.py`, text: logicModule(j, random, pick) });
  return files;
}

function appFactory(apiNames: string[], random: () => number): string {
  const imports = apiNames.map((n) => `from .api.${n} import bp as ${n}_bp`).join('\n');
  const registrations = apiNames
    .map((n, j) =>
      j % 4 === 3
        ? `    ${n}_bp.init_app(app)`
        : `    api_parent.register_blueprint(${n}_bp, url_prefix="/${n.replace('_', '-')}")`,
    )
    .join('\n');
  const withHook = random() < 0.3;
  return `"""Service application factory."""
import os

from flask import Flask, jsonify

from .api import bp as api_parent
from .extensions import jwt, login_manager
from .security import check_api_key
${imports}


def create_app(config=None):
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
    app.config.update(config or {})
    jwt.init_app(app)
    login_manager.init_app(app)
${withHook ? '    app.before_request(check_api_key)\n' : ''}${registrations}
    app.register_blueprint(api_parent, url_prefix="/api/v1")

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    return app
`;
}

const EXTENSIONS = `from flask_jwt_extended import JWTManager, jwt_required
from flask_login import LoginManager

jwt = JWTManager()
login_manager = LoginManager()

# One decorator instance shared by every protected view.
protected = jwt_required()
`;

const SECURITY = `import functools
import hmac
import os

from flask import abort, g, request
from flask_jwt_extended import verify_jwt_in_request

PUBLIC_ENDPOINTS = {"health", "static"}


def require_token(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            abort(401)
        token = header[len("Bearer "):]
        if not hmac.compare_digest(token, os.environ.get("SERVICE_TOKEN", "")):
            abort(403)
        g.caller = "service"
        return view(*args, **kwargs)

    return wrapper


def check_api_key():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    verify_jwt_in_request()
    return None


def audit(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.audited = True
        return view(*args, **kwargs)

    return wrapper
`;

const API_PARENT = `from flask import Blueprint

bp = Blueprint("api", __name__)
`;

const GUARDS = ['@jwt_required()', '@protected', '@require_token', '@login_required', '', '@audit'];

function routeBody(name: string, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const field = pick(FIELDS);
  const lines = [
    `    body = request.get_json(silent=True) or {}`,
    `    items = [item for item in STORE.values() if item.get("${field}") == body.get("${field}")]`,
    `    if not items and "${field}" in body:`,
    `        return jsonify(error="no ${name} matches ${field}"), 404`,
    `    total = sum(int(item.get("amount", 0)) for item in items)`,
    `    result = {"count": len(items), "total": total, "kind": "${name}"}`,
  ];
  if (random() < 0.5) lines.push(`    for item in items:`, `        item["seen"] = item.get("seen", 0) + 1`);
  lines.push(`    return jsonify(result)`);
  return lines.join('\n');
}

function blueprintModule(
  name: string,
  index: number,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): string {
  const routes: string[] = [];
  const count = 10 + Math.floor(random() * 6);
  for (let r = 0; r < count; r++) {
    const method = pick(['get', 'post', 'put', 'delete', 'patch']);
    const guard = pick(GUARDS);
    const path = r % 2 ? `/<int:${name}_id>/part-${r}` : `/part-${r}`;
    const decorators = [`@bp.${method}("${path}")`, guard].filter(Boolean).join('\n');
    routes.push(`${decorators}\ndef ${method}_${name}_${r}(**kwargs):\n${routeBody(name, random, pick)}\n`);
  }
  const view = `class ${camel(name)}View(MethodView):
    decorators = [jwt_required()]

    def get(self, ${name}_id):
        return jsonify(STORE.get(${name}_id, {}))

    def put(self, ${name}_id):
        STORE[${name}_id] = {"id": ${name}_id, **(request.get_json(silent=True) or {})}
        return jsonify(STORE[${name}_id])


bp.add_url_rule("/view/<int:${name}_id>", view_func=${camel(name)}View.as_view("${name}_view"))
`;
  return `"""Routes for ${name} (module ${index})."""
from flask import Blueprint, jsonify, request
from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_login import login_required

from ..extensions import protected
from ..security import audit, require_token

bp = Blueprint("${name}", __name__)

STORE = {}


${routes.join('\n\n')}

${view}`;
}

function restfulModule(name: string, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const cls = camel(name);
  const guarded = random() < 0.7;
  return `"""Flask-RESTful resources for ${name}."""
from flask import Blueprint, request
from flask_restful import Api, Resource
from flask_jwt_extended import jwt_required

bp = Blueprint("${name}", __name__, url_prefix="/api/v1/${name}")
api = Api(bp)

STORE = {}


class ${cls}List(Resource):
${guarded ? '    method_decorators = [jwt_required()]\n' : ''}
    def get(self):
        status = request.args.get("status", "open")
        return [item for item in STORE.values() if item.get("status") == status]

    def post(self):
        body = request.get_json(silent=True) or {}
        new_id = max(STORE, default=0) + 1
        STORE[new_id] = {"id": new_id, "${pick(FIELDS)}": body.get("${pick(FIELDS)}")}
        return STORE[new_id], 201


class ${cls}Item(Resource):
    method_decorators = {"delete": [jwt_required()], "put": [jwt_required()]}

    def get(self, item_id):
        return STORE.get(item_id, {}), 200 if item_id in STORE else 404

    def put(self, item_id):
        STORE[item_id] = {"id": item_id, **(request.get_json(silent=True) or {})}
        return STORE[item_id]

    def delete(self, item_id):
        STORE.pop(item_id, None)
        return "", 204


api.add_resource(${cls}List, "/")
api.add_resource(${cls}Item, "/<int:item_id>")
`;
}

function modelModule(index: number, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const classes: string[] = [];
  for (let c = 0; c < 4; c++) {
    const fields = FIELDS.filter(() => random() < 0.6);
    const cls = `${camel(pick(WORDS))}Record${index}${c}`;
    const methods = fields
      .map(
        (f) => `    def with_${f}(self, value):
        """Return a copy with ${f} replaced."""
        data = dict(self.__dict__)
        data["${f}"] = value
        return type(self)(**data)
`,
      )
      .join('\n');
    classes.push(`@dataclasses.dataclass
class ${cls}:
${fields.map((f) => `    ${f}: typing.Any = None`).join('\n') || '    pass'}

    def to_dict(self):
        return {key: value for key, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_dict(cls, data):
        known = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: data[key] for key in data if key in known})

${methods}`);
  }
  return `"""Data records (module ${index})."""
import dataclasses
import typing


${classes.join('\n\n')}`;
}

function logicModule(index: number, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const fns: string[] = [];
  for (let f = 0; f < 12; f++) {
    const a = pick(FIELDS);
    const b = pick(FIELDS);
    fns.push(`def compute_${pick(WORDS)}_${index}_${f}(records, threshold=${Math.floor(random() * 100)}):
    """Aggregate ${a} by ${b}."""
    buckets = {}
    for record in records:
        key = record.get("${b}") or "unknown"
        try:
            value = float(record.get("${a}", 0))
        except (TypeError, ValueError):
            logger.warning("bad value in %s", key)
            continue
        if value > threshold:
            buckets.setdefault(key, []).append(value)
        elif value < 0:
            raise ValueError(f"negative ${a} for {key}: {value}")
    return {key: sum(values) / len(values) for key, values in sorted(buckets.items()) if values}
`);
  }
  return `"""Business logic (module ${index})."""
import logging

logger = logging.getLogger(__name__)


${fns.join('\n\n')}`;
}

function camel(name: string): string {
  return name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
