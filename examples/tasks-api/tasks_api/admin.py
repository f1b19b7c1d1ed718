from flask import Blueprint, g, jsonify

from .auth import USERS, bearer_required

bp = Blueprint("admin", __name__)


@bp.get("/users")
@bearer_required
def list_users():
    if g.claims.get("sub") != "1":
        return jsonify(error="forbidden"), 403
    return jsonify(sorted(USERS))


@bp.get("/export")
def export_users():
    return jsonify(USERS)
