#!/usr/bin/env bash
# Upgrade ISI in place: new code, dependencies, database migrations, static files, graceful reload.
#
#   sudo -u isi git -C /opt/isi fetch --tags && sudo -u isi git -C /opt/isi checkout v1.2.0
#   sudo /opt/isi/deploy/upgrade.sh
#
# Steps (each stops the script on failure; the running ISI keeps serving the old code until the
# reload at the end):
#   1. back up the database (isi backup) – the way back if a migration goes wrong
#   2. install the locked dependencies into the virtual environment, and ISI itself
#   3. isi check --deploy, then isi migrate
#   4. isi collectstatic (new hashed files beside the old ones: pages of old workers still work)
#   5. systemctl reload isi-web (graceful: new workers, running requests finish), restart isi-worker
#
# Roll back (docs/operations.md, "Roll back"): check out the previous version, run this script
# again. If the new version's migrations must be undone, restore the backup of step 1 instead:
#   sudo -u isi git -C /opt/isi checkout <previous tag>
#   sudo systemctl stop isi-web isi-worker
#   sudo /opt/isi/deploy/isi-run restore <backup file> --force
#   sudo /opt/isi/deploy/upgrade.sh --no-backup
#
# Environment: ISI_HOME (default /opt/isi), ISI_USER (isi), ISI_ENV_FILE (/etc/isi/isi.env),
# ISI_BACKUP_DIR (/var/lib/isi/backups), ISI_SYSTEMCTL (systemctl; `true` skips the services).
set -euo pipefail

ISI_HOME=${ISI_HOME:-/opt/isi}
ISI_USER=${ISI_USER:-isi}
ISI_ENV_FILE=${ISI_ENV_FILE:-/etc/isi/isi.env}
ISI_BACKUP_DIR=${ISI_BACKUP_DIR:-/var/lib/isi/backups}
ISI_SYSTEMCTL=${ISI_SYSTEMCTL:-systemctl}
BACKUP=yes
for arg in "$@"; do
    case "$arg" in
        --no-backup) BACKUP=no ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "unbekannte Option: $arg" >&2; exit 2 ;;
    esac
done

VENV="$ISI_HOME/.venv"
ISI="$VENV/bin/isi"

RUN="$ISI_HOME/deploy/isi-run"
# `isi …` and other programs as the service user with /etc/isi/isi.env (deploy/isi-run).
as_isi() { ISI_HOME="$ISI_HOME" ISI_USER="$ISI_USER" ISI_ENV_FILE="$ISI_ENV_FILE" "$RUN" --exec "$@"; }

step() { printf '\n== %s\n' "$*"; }

cd "$ISI_HOME"
step "ISI $(git describe --tags --always 2>/dev/null || echo '?') in $ISI_HOME"

if [ "$BACKUP" = yes ] && [ -x "$ISI" ]; then
    step "1. Sicherung der Datenbank"
    install -d -o "$ISI_USER" -g "$ISI_USER" -m 0750 "$ISI_BACKUP_DIR"
    backup_file="$ISI_BACKUP_DIR/isi-before-upgrade-$(date +%Y%m%d-%H%M%S).tar"
    as_isi "$ISI" backup -o "$backup_file"
    echo "Sicherung: $backup_file"
fi

step "2. Abhängigkeiten (requirements/lock.txt, mit Prüfsummen)"
[ -x "$VENV/bin/python" ] || as_isi python3 -m venv "$VENV"
as_isi "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
as_isi "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
if [ -f package-lock.json ]; then
    as_isi npm ci --no-audit --no-fund --loglevel=error
fi
find "$ISI_HOME/src" -name '__pycache__' -type d -prune -exec rm -rf {} +

step "3. Prüfen und migrieren"
as_isi "$ISI" check --deploy --fail-level WARNING
as_isi "$ISI" migrate --noinput

step "4. Statische Dateien"
as_isi "$ISI" collectstatic --noinput --verbosity 1

step "5. Dienste neu laden"
"$ISI_SYSTEMCTL" reload isi-web.service
"$ISI_SYSTEMCTL" restart isi-worker.service
echo
echo "Fertig. Prüfen: curl -fsS http://127.0.0.1:8000/readyz"
