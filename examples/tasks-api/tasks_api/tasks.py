from flask import jsonify, request
from flask.views import MethodView

from .auth import bearer_required

TASKS = {1: {"id": 1, "title": "Write the README", "done": False}}


class TaskAPI(MethodView):
    decorators = [bearer_required]

    def get(self, task_id):
        return jsonify(TASKS.get(task_id, {}))

    def patch(self, task_id):
        body = request.get_json(silent=True) or {}
        TASKS.setdefault(task_id, {"id": task_id}).update(body)
        return jsonify(TASKS[task_id])


def register_task_views(app):
    app.add_url_rule("/api/tasks/<int:task_id>", view_func=TaskAPI.as_view("task"))

    @bearer_required
    @app.get("/api/tasks/overdue")
    def overdue_tasks():
        return jsonify([t for t in TASKS.values() if not t["done"]])
