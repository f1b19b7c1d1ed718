#!/usr/bin/env bash
# Makes sure an interpreter with Flask and the extensions the real-Flask tests use is available:
# Debian's packages for /usr/bin/python3 (installed with apt when running as root), or a virtualenv with pip.
# TOKENGATE_PYTHON names another interpreter to use instead.
set -euo pipefail

MODULES="import flask, flask_jwt_extended, jwt, flask_restful, flask_login, flask_httpauth"
DEBIAN_PACKAGES="python3-flask python3-python-flask-jwt-extended python3-jwt python3-flask-restful python3-flask-login python3-flask-httpauth"
VENV=".cache/flask-venv"

has_modules() { [ -x "$1" ] && "$1" -c "$MODULES" >/dev/null 2>&1; }

if [ -n "${TOKENGATE_PYTHON:-}" ]; then
  if has_modules "$TOKENGATE_PYTHON"; then exit 0; fi
  echo "provision-python: TOKENGATE_PYTHON=$TOKENGATE_PYTHON cannot import flask and its extensions." >&2
  exit 1
fi

if has_modules /usr/bin/python3 || has_modules "$VENV/bin/python"; then exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision-python: installing $DEBIAN_PACKAGES"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBIAN_PACKAGES >/dev/null
  if has_modules /usr/bin/python3; then exit 0; fi
else
  echo "provision-python: not root; creating $VENV with pip"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet Flask Flask-JWT-Extended PyJWT Flask-RESTful Flask-Login Flask-HTTPAuth
  if has_modules "$VENV/bin/python"; then exit 0; fi
fi

echo "provision-python: no Python with Flask, Flask-JWT-Extended, PyJWT, Flask-RESTful, Flask-Login and Flask-HTTPAuth;" \
  "install the Debian packages ($DEBIAN_PACKAGES) or set TOKENGATE_PYTHON." >&2
exit 1
