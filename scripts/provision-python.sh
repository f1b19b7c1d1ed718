#!/usr/bin/env bash
# Makes sure a Python with Flask and the extensions the real-Flask tests import is available:
#   TOKENGATE_PYTHON when set (it must already have them), else Debian's /usr/bin/python3
#   (packages installed with apt when running as root), else a virtualenv in .cache/flask-venv (pip).
# Quiet and quick when everything is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODULES="import flask, flask_jwt_extended, jwt, flask_restful, flask_login, flask_httpauth"
DEBIAN_PACKAGES=(python3-flask python3-python-flask-jwt-extended python3-jwt python3-flask-restful
  python3-flask-login python3-flask-httpauth)
PIP_PACKAGES=(Flask Flask-JWT-Extended PyJWT Flask-RESTful Flask-Login Flask-HTTPAuth)
VENV=".cache/flask-venv"

has_modules() { command -v "$1" >/dev/null 2>&1 && "$1" -c "$MODULES" >/dev/null 2>&1; }

fail() {
  echo "provision-python: $1" >&2
  exit 1
}

if [ -n "${TOKENGATE_PYTHON:-}" ]; then
  has_modules "$TOKENGATE_PYTHON" ||
    fail "TOKENGATE_PYTHON=$TOKENGATE_PYTHON cannot run '$MODULES'; install ${PIP_PACKAGES[*]} there, or unset TOKENGATE_PYTHON."
  exit 0
fi

if has_modules /usr/bin/python3 || has_modules "$VENV/bin/python"; then exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision-python: installing ${DEBIAN_PACKAGES[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >/dev/null
  has_modules /usr/bin/python3 && exit 0
  fail "apt-get installed ${DEBIAN_PACKAGES[*]}, but /usr/bin/python3 still cannot run '$MODULES'."
fi

echo "provision-python: creating $VENV and installing ${PIP_PACKAGES[*]} with pip"
command -v python3 >/dev/null 2>&1 || fail "no python3 on PATH to create $VENV; install Python 3 or set TOKENGATE_PYTHON."
python3 -m venv "$VENV" || fail "'python3 -m venv $VENV' failed; install the venv module (Debian: python3-venv) or set TOKENGATE_PYTHON."
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}" ||
  fail "pip could not install ${PIP_PACKAGES[*]} into $VENV."
has_modules "$VENV/bin/python" && exit 0
fail "$VENV/bin/python still cannot run '$MODULES'; install the Debian packages (${DEBIAN_PACKAGES[*]}) as root or set TOKENGATE_PYTHON."
