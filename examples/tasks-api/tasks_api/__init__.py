"""A small task-tracking API: projects, tasks and an admin area, all behind Bearer tokens (or so we hope)."""
from flask import Flask, jsonify

from . import admin, projects
from .auth import auth_bp
from .tasks import register_task_views


def create_app():
    app = Flask(__name__)
    app.register_blueprint(auth_bp, url_prefix="/api/auth")
    app.register_blueprint(projects.bp)
    app.register_blueprint(admin.bp, url_prefix="/api/admin")
    register_task_views(app)

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    return app
