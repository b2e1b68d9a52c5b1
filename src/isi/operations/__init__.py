"""Service concerns: backups, health, metrics, logs and the production server."""
