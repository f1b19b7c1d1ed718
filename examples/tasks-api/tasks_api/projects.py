from flask import Blueprint, jsonify, request

from .auth import bearer_required

bp = Blueprint("projects", __name__, url_prefix="/api/projects")
PROJECTS = {1: {"id": 1, "name": "Launch"}}


@bp.get("/")
@bearer_required
def list_projects():
    return jsonify(list(PROJECTS.values()))


@bp.post("/")
@bearer_required
def create_project():
    body = request.get_json(silent=True) or {}
    project = {"id": len(PROJECTS) + 1, "name": body.get("name", "untitled")}
    PROJECTS[project["id"]] = project
    return jsonify(project), 201


@bp.get("/<int:project_id>")
@bearer_required
def get_project(project_id):
    return jsonify(PROJECTS.get(project_id, {}))


@bp.delete("/<int:project_id>")
def delete_project(project_id):
    PROJECTS.pop(project_id, None)
    return jsonify(deleted=project_id)
