#!/usr/bin/env bash
# `make lab`: set up what the lab needs, one line per step, then open JupyterLab.
#
# Tool output (pip, yarn, debootstrap) goes to a log file; a failing step prints the log's
# path and its last lines. Works as root (JupyterLab gets --allow-root) and as a normal user
# (the PostgreSQL + AGE chroot, which needs root, is skipped with a note).
#
#   PYTHON=python3 VENV=.venv LAB_LOG=artifacts/lab-setup.log LAB_ARGS="--port 8899" bash .ci/lab.sh
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
LOG=${LAB_LOG:-$PWD/artifacts/lab-setup.log}
mkdir -p "$(dirname "$LOG")"
MAKE=${MAKE:-make}
: >"$LOG"

say() { printf 'make lab: %s\n' "$*"; }

# step DESCRIPTION COMMAND...: runs COMMAND with its output in the log; one line either way
step() {
    local what=$1; shift
    local started=$SECONDS
    printf '\n== %s\n' "$what" >>"$LOG"
    printf 'make lab: %s … ' "$what"
    if "$@" >>"$LOG" 2>&1 </dev/null; then
        printf 'ok (%ss)\n' "$(( SECONDS - started ))"
        return 0
    fi
    printf 'FAILED\n'
    say "the full output is in $LOG; its last lines:"
    tail -n 15 "$LOG" | sed 's/^/    /' >&2
    return 1
}

step "Python environment ($VENV: runic, JupyterLab)" "$MAKE" --no-print-directory venv PYTHON="${PYTHON:-python3}" || exit 1

if [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    step "PostgreSQL + AGE chroot for notebooks/04-backends.ipynb" bash .ci/setup-age.sh \
        || say "going on without AGE: notebooks/04-backends.ipynb cannot start it"
else
    say "PostgreSQL + AGE chroot — skipped: building it needs root or password-less sudo (run 'make servers' as root); notebooks/04-backends.ipynb needs it for AGE"
fi

step "runic-lab extension (Cypher highlighting)" env VENV="$VENV" bash .ci/build-extension.sh --link || exit 1

args=(--notebook-dir=notebooks --ServerApp.ip=127.0.0.1)
if [ "$(id -u)" -eq 0 ]; then
    args+=(--allow-root)
    say "running as root: JupyterLab starts with --allow-root"
fi
say "setup log: $LOG"
say "starting JupyterLab — open the URL with the token printed below; Ctrl+C stops it"
# shellcheck disable=SC2086 # LAB_ARGS is a list of options
exec "$VENV/bin/jupyter" lab "${args[@]}" ${LAB_ARGS:-}
