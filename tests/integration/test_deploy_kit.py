"""The deployment kit in deploy/ names only things that exist and says what docs/operations.md
promises (issue #13.2).

Every systemd unit is parsed and checked (commands, hardening, paths), and verified by
`systemd-analyze verify` where systemd is installed; gunicorn's configuration is loaded by
gunicorn itself; the nginx example, the env file example, upgrade.sh and the docs are read for
the commands and variables they name. `nginx -t` runs only where nginx is installed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from django.core.management import get_commands

from isi.cli import translate_argv

from .test_settings_documented import readme_table

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCS = ROOT / "docs" / "operations.md"
VENV_BIN = Path(sys.executable).parent
INSTALL_DIR = "/opt/isi"  # where the units expect the checkout (docs/operations.md)
VAR_DIR = "/var/lib/isi"
ENV_FILE = "/etc/isi/isi.env"
SERVICES = ["isi-web.service", "isi-worker.service", "isi-daily.service"]
UNITS = [*SERVICES, "isi-daily.timer"]
HARDENING = {
    "NoNewPrivileges": "true",
    "ProtectSystem": "strict",
    "ProtectHome": "true",
    "PrivateTmp": "true",
    "PrivateDevices": "true",
    "RestrictSUIDSGID": "true",
    "CapabilityBoundingSet": "",
}


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file: sections → key → values (keys may repeat); fails on anything else."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: {raw}"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}:{number}: key outside a section"
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key), f"{path.name}:{number}: {raw}"
        assert not raw.rstrip().endswith("\\"), f"{path.name}:{number}: continuation lines are not used"
        current.setdefault(key, []).append(value.strip())
    return sections


def one(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, (section, key, values)
    return values[0]


def isi_command_names() -> set[str]:
    return set(get_commands())


def assert_isi_command(argv: list[str], where: str) -> None:
    """`isi SUB …` (also `isi import nap-i …`) names a management command that exists."""
    assert len(argv) >= 2, f"{where}: `isi` without a command"
    name = translate_argv(["isi", *argv[1:]])[1]
    assert name in isi_command_names(), f"{where}: `isi {argv[1]}` is no management command"


def local_path(path: str) -> Path:
    """A path of the installed layout (/opt/isi/…) in this checkout."""
    if path.startswith(f"{INSTALL_DIR}/.venv/bin/"):
        return VENV_BIN / path.rsplit("/", 1)[1]
    if path.startswith(INSTALL_DIR + "/"):
        return ROOT / path[len(INSTALL_DIR) + 1 :]
    return Path(path)


# --- systemd units ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_unit_parses_and_has_install_and_description(name: str) -> None:
    unit = parse_unit(DEPLOY / name)
    assert one(unit, "Unit", "Description").startswith("ISI")
    kind = name.rsplit(".", 1)[1]
    assert kind.capitalize() in unit
    if name != "isi-daily.service":  # started by the timer, not at boot
        assert unit["Install"]["WantedBy"] == ["timers.target" if kind == "timer" else "multi-user.target"]


@pytest.mark.parametrize("name", SERVICES)
def test_service_runs_existing_commands_as_the_isi_user_with_hardening(name: str) -> None:
    service = parse_unit(DEPLOY / name)["Service"]
    assert service["User"] == ["isi"] and service["Group"] == ["isi"]
    assert service["WorkingDirectory"] == [INSTALL_DIR]
    assert service["EnvironmentFile"] == [ENV_FILE]
    assert VAR_DIR in " ".join(service["ReadWritePaths"]).split()
    assert service["StateDirectory"] == ["isi"], "systemd creates /var/lib/isi owned by isi"
    for key, value in HARDENING.items():
        assert service.get(key) == [value], (name, key)
    commands = [*service["ExecStart"], *service.get("ExecReload", [])]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        binary = local_path(argv[0])
        assert argv[0].startswith("/") and binary.is_file() and os.access(binary, os.X_OK), (name, argv[0])
        if binary.name == "isi":
            assert_isi_command(argv, name)


def test_web_and_worker_restart_always_and_web_reloads_gracefully() -> None:
    web = parse_unit(DEPLOY / "isi-web.service")["Service"]
    worker = parse_unit(DEPLOY / "isi-worker.service")["Service"]
    assert web["Restart"] == ["always"] and worker["Restart"] == ["always"]
    assert shlex.split(one({"S": web}, "S", "ExecStart"))[1:3] == ["serve", "--bind"]
    assert shlex.split(one({"S": worker}, "S", "ExecStart"))[1:] == ["worker"]
    # gunicorn notifies systemd when it listens; HUP is its graceful reload.
    assert web["Type"] == ["notify"] and web["NotifyAccess"] == ["main"]
    assert web["ExecReload"] == ["/bin/kill -s HUP $MAINPID"]
    # systemd waits longer than gunicorn's graceful time-out (ISI_WEB_TIMEOUT, default 60 s).
    assert int(one({"S": web}, "S", "TimeoutStopSec")) > 60
    assert web["KillMode"] == ["mixed"]


def test_daily_timer_starts_isi_daily() -> None:
    timer = parse_unit(DEPLOY / "isi-daily.timer")["Timer"]
    assert timer["Unit"] == ["isi-daily.service"] and (DEPLOY / "isi-daily.service").is_file()
    assert timer["Persistent"] == ["true"]
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", one({"T": timer}, "T", "OnCalendar"))
    service = parse_unit(DEPLOY / "isi-daily.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert shlex.split(service["ExecStart"][0])[1:] == ["daily"]


def rendered_units(tmp_path: Path) -> list[Path]:
    """The units with this checkout for /opt/isi and an existing env file, for systemd-analyze."""
    env_file = tmp_path / "isi.env"
    env_file.write_text("ISI_PRODUCTION=true\n", encoding="utf-8")
    out = []
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace(f"{INSTALL_DIR}/.venv/bin/", f"{VENV_BIN}/").replace(INSTALL_DIR, str(ROOT))
        text = text.replace(ENV_FILE, str(env_file))
        (tmp_path / name).write_text(text, encoding="utf-8")
        out.append(tmp_path / name)
    return out


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        _missing_tool("systemd-analyze not installed (the parser checks above ran)")
    units = rendered_units(tmp_path)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Unknown" not in output and "ignoring" not in output, output


def test_systemd_analyze_catches_a_missing_command(tmp_path: Path) -> None:
    """The verification above can fail: a unit naming a missing program is refused."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        _missing_tool("systemd-analyze not installed")
    web = rendered_units(tmp_path)[0]
    web.write_text(web.read_text().replace(f"{VENV_BIN}/isi", "/nonexistent/isi"))
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(web)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0


# --- gunicorn --------------------------------------------------------------------------------


def gunicorn_config(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ISI_")}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"), "--print-config"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            config[key.strip()] = value.strip()
    return config


def test_gunicorn_config_takes_its_numbers_from_the_environment() -> None:
    config = gunicorn_config(
        ISI_WEB_WORKERS="3",
        ISI_WEB_THREADS="4",
        ISI_WEB_TIMEOUT="45",
        ISI_API_TRUSTED_PROXIES="10.0.0.1,192.0.2.0/24",
    )
    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "4", "45")
    assert config["graceful_timeout"] == "45"
    assert config["forwarded_allow_ips"] == "['10.0.0.1/32', '192.0.2.0/24']"
    assert config["wsgi_app"] == "isi.wsgi:application"
    assert config["preload_app"] == "False", "HUP must load the new code"
    assert int(config["max_requests"]) > 0 and int(config["max_requests_jitter"]) > 0
    assert config["control_socket_disable"] == "True"


def test_gunicorn_defaults_two_workers_per_core_and_trusts_no_proxy() -> None:
    config = gunicorn_config()
    assert config["workers"] == str(2 * (os.cpu_count() or 1))
    assert config["forwarded_allow_ips"] == "[]"


def test_gunicorn_refuses_a_bad_number_naming_the_variable() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ISI_")}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"), "--print-config"],
        env={**clean, "ISI_WEB_WORKERS": "viele"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ISI_WEB_WORKERS" in result.stdout + result.stderr


def test_access_log_has_no_query_string_and_no_referrer() -> None:
    log_format = gunicorn_config()["access_log_format"]
    assert "%(U)s" in log_format, "the path is logged"
    for leak in ("%(r)s", "%(q)s", "%(f)s", "{raw_uri}", "%({referer}i)s"):
        assert leak not in log_format


def load_gunicorn_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("isi_gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("peer", "trusted"), [(("192.0.2.7", 5555), False), (("10.0.0.1", 5555), True), ("/run/isi.sock", True)]
)
def test_scheme_headers_count_only_from_trusted_proxies(
    settings: object, peer: object, trusted: bool
) -> None:
    settings.ISI_API_TRUSTED_PROXIES = ["10.0.0.1/32"]  # type: ignore[attr-defined]
    conf = load_gunicorn_module()
    headers = [("X-FORWARDED-PROTO", "https"), ("X-FORWARDED-FOR", "203.0.113.9"), ("ACCEPT", "*/*")]
    request = SimpleNamespace(peer_addr=peer, headers=list(headers))
    conf.pre_request(None, request)
    kept = [name for name, _ in request.headers]
    assert ("X-FORWARDED-PROTO" in kept) is trusted
    # X-Forwarded-For stays: isi.core.network judges it (and refuses the admin to strangers).
    assert "X-FORWARDED-FOR" in kept and "ACCEPT" in kept


def _missing_tool(message: str) -> None:
    """CI installs these tools (scripts/ensure-test-tools): there a missing one fails the run."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


# --- nginx -----------------------------------------------------------------------------------


def nginx_text() -> str:
    return (DEPLOY / "nginx" / "isi.conf").read_text(encoding="utf-8")


def directives(text: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def test_nginx_example_tls_upload_size_and_proxy_headers() -> None:
    from django.conf import settings

    text = nginx_text()
    lines = directives(text)
    assert text.count("{") == text.count("}")
    assert "listen 443 ssl http2;" in lines
    assert any(line.startswith("ssl_certificate ") for line in lines)
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in lines
    assert any(line.startswith("return 301 https://") for line in lines), "HTTP goes to HTTPS"
    size = re.search(r"client_max_body_size (\d+)([km]?);", text)
    assert size, "client_max_body_size is set"
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2)]
    limit = int(size.group(1)) * factor
    assert settings.ISI_UPLOAD_MAX_BYTES < limit <= 2 * settings.ISI_UPLOAD_MAX_BYTES
    for header in (
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ):
        assert header in lines
    # nginx talks to what isi-web.service binds.
    bind = shlex.split(parse_unit(DEPLOY / "isi-web.service")["Service"]["ExecStart"][0])[3]
    assert f"server {bind};" in lines


def test_nginx_access_log_has_no_query_string_and_no_referrer() -> None:
    text = nginx_text()
    log_format = re.search(r"log_format isi_noquery (.*?);", text, re.S)
    assert log_format
    for leak in (
        "$request ",
        '$request"',
        "$request_uri",
        "$args",
        "$query_string",
        "$http_referer",
        "$arg_",
    ):
        assert leak not in log_format.group(1), leak
    access_logs = [line for line in directives(text) if line.startswith("access_log ")]
    assert access_logs and all(line.endswith(" isi_noquery;") for line in access_logs)


def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin"))
    if nginx is None:
        _missing_tool("nginx not installed (the reading checks above ran)")
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed for a test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=isi.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (
        nginx_text()
        .replace("/etc/ssl/isi/fullchain.pem", str(cert))
        .replace("/etc/ssl/isi/privkey.pem", str(key))
    )
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "isi.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {tmp_path}/isi.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- env file, upgrade script, docs ------------------------------------------------------------


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "isi.env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            line = line[1:].strip()
            if not re.fullmatch(r"(ISI_[A-Z0-9_]+|DATABASE_URL)=.*", line):
                continue
        elif not line:
            continue
        name, sep, value = line.partition("=")
        assert sep, line
        values[name] = value
    return values


def test_env_example_names_only_documented_variables() -> None:
    names = set(env_example())
    undocumented = names - readme_table()
    assert not undocumented, f"in deploy/isi.env.example but not in the README's table: {undocumented}"
    # Everything production needs is there; the development-only switches are not.
    assert {
        "ISI_PRODUCTION",
        "ISI_SECRET_KEY",
        "DATABASE_URL",
        "ISI_ALLOWED_HOSTS",
        "ISI_API_TRUSTED_PROXIES",
    } <= names
    assert not names & {"ISI_DEBUG", "ISI_DEMO_MODE", "ISI_DEMO_PASSWORD", "ISI_TESTING"}


def test_env_example_filled_in_passes_check_deploy(tmp_path: Path) -> None:
    # Only what a server would have: no ISI_* of the test run, and not the
    # DJANGO_ALLOW_ASYNC_UNSAFE that tests/browser/conftest.py sets for Playwright.
    left_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISI_") and k not in left_out}
    for line in (DEPLOY / "isi.env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env.update(
        ISI_SECRET_KEY="x" * 20 + "-example-secret-key-for-the-test-only-" + "y" * 20,
        DATABASE_URL="sqlite:///:memory:",
        ISI_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [str(VENV_BIN / "isi"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_upgrade_script_is_valid_bash_and_runs_existing_commands() -> None:
    for script in ("upgrade.sh", "isi-run"):
        path = DEPLOY / script
        assert os.access(path, os.X_OK), script
        subprocess.run(["bash", "-n", str(path)], check=True)
    text = (DEPLOY / "upgrade.sh").read_text(encoding="utf-8")
    used = re.findall(r'"\$ISI" ([a-z_-]+)', text)
    assert {"backup", "check", "migrate", "collectstatic"} <= set(used)
    for name in used:
        assert_isi_command(["isi", name], "upgrade.sh")
    assert "reload isi-web.service" in text, "the web server is reloaded gracefully, not restarted"
    assert "--require-hashes -r requirements/lock.txt" in text


def test_isi_run_passes_values_with_blanks_and_angle_brackets_intact(tmp_path: Path) -> None:
    env_file = tmp_path / "isi.env"
    env_file.write_text("# comment\n\nISI_FROM_EMAIL=ISI <isi@example.org>\nISI_OPERATOR=Bund; $(rm -rf x)\n")
    result = subprocess.run(
        [str(DEPLOY / "isi-run"), "--exec", "env"],
        env={
            "PATH": os.environ["PATH"],
            "ISI_HOME": str(ROOT),
            "ISI_USER": subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip(),
            "ISI_ENV_FILE": str(env_file),
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "ISI_FROM_EMAIL=ISI <isi@example.org>" in lines
    assert "ISI_OPERATOR=Bund; $(rm -rf x)" in lines


def test_every_isi_command_in_the_docs_exists() -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = re.findall(
        r"(?:^|[\s`]|bin/)(?<!-u )isi ((?:import|export|token) [a-z-]+|[a-z_][a-z0-9_]*)", text, re.M
    )
    names = {name for name in found if name not in {"ist", "in", "is"}}
    assert {"serve", "daily", "backup", "restore", "worker", "migrate", "collectstatic"} <= names
    for name in names:
        assert_isi_command(["isi", *name.split()], "docs/operations.md")


def test_docs_name_every_deploy_file() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for path in sorted(DEPLOY.rglob("*")):
        if path.is_file():
            assert str(path.relative_to(ROOT)) in text, path
