import datetime
import os
from functools import wraps

import jwt
from flask import Blueprint, g, jsonify, request

auth_bp = Blueprint("auth", __name__)
USERS = {"ada": {"id": 1, "password": "correct horse", "admin": True}}


def _secret():
    return os.environ["TASKS_API_SECRET"]


def bearer_required(view):
    """Reject requests without a valid Bearer token; the decoded claims land in g.claims."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return jsonify(error="missing bearer token"), 401
        try:
            g.claims = jwt.decode(token, _secret(), algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return jsonify(error="invalid token"), 401
        return view(*args, **kwargs)

    return wrapper


@auth_bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    user = USERS.get(body.get("username", ""))
    if not user or user["password"] != body.get("password"):
        return jsonify(error="invalid credentials"), 401
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    token = jwt.encode({"sub": str(user["id"]), "exp": expires}, _secret(), algorithm="HS256")
    return jsonify(access_token=token)
