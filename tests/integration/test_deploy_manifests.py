"""There is no Docker engine here, so the deployment files are checked by reading them: images,
ports, environment and probes must agree with the Dockerfile and with each service's settings."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("gateway", "registry", "matching", "outcomes", "webhooks")
SETTINGS = {name: f"{name}.settings" for name in SERVICES}
NON_SERVICE_KEYS = {"DATABASE_URL", "MIGRATION_DATABASE_URL"}  # read by the migration job
# The packages the service images pip-install (not editable): folder → import package.
IMAGE_PACKAGES = {
    "libs/servicekit": "servicekit",
    "libs/taxonomy": "taxonomy",
    "gateway": "gateway",
    **{f"services/{name}": name for name in SERVICES if name != "gateway"},
}
# What the installed code reads at start-up, run where no source tree is (as in an image).
INSTALLED_READS = """
import sys
from pathlib import Path
site = Path(sys.argv[1])
import taxonomy, outcomes.settings
from servicekit.health import migration_heads
from taxonomy.starter import load_starter
assert Path(taxonomy.__file__).is_relative_to(site), taxonomy.__file__
assert load_starter().occupations
assert sorted(p.name for p in outcomes.settings.RATE_CARDS.glob("*.json")), outcomes.settings.RATE_CARDS
for service in ("gateway", "registry", "matching", "outcomes", "webhooks"):
    main = __import__(f"{service}.main", fromlist=["MIGRATIONS"])
    assert Path(main.__file__).is_relative_to(site), main.__file__
    assert migration_heads(main.MIGRATIONS), service
"""


def setting_names(service: str) -> set[str]:
    """Every environment variable a service's Settings class reads."""
    settings_cls: Any = importlib.import_module(SETTINGS[service]).Settings
    prefix = settings_cls.model_config.get("env_prefix", "")
    names = set()
    for name, field in settings_cls.model_fields.items():
        names.add((prefix + name).upper())
        alias = field.validation_alias
        for choice in getattr(alias, "choices", [alias] if isinstance(alias, str) else []):
            names.add(str(choice).upper())
    return names


def dockerfile_targets() -> set[str]:
    return set(re.findall(r"^FROM \S+ AS (\S+)$", (ROOT / "Dockerfile").read_text(), re.M))


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s_documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((ROOT / "infra/k8s/kustomization.yaml").read_text())
    docs = []
    for resource in kustomization["resources"]:
        docs.extend(load_all(ROOT / "infra/k8s" / resource))
    return docs


def compose_images() -> dict[str, dict[str, Any]]:
    """The images docker compose builds, by image name: their build section."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {spec["image"]: spec["build"] for spec in compose["services"].values() if "build" in spec}


def test_every_service_image_is_the_service_stage_serving_its_app_on_8000() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "ENV UVICORN_APP=${SERVICE}.main:create_app" in text
    assert '"uvicorn", "--factory", "--host", "0.0.0.0", "--port", "8000"' in text
    images = compose_images()
    for service in SERVICES:
        build = images[f"brobygger/{service}"]
        assert build["target"] == "service"
        assert build["args"]["SERVICE"] == service
        directory = ROOT / build["args"].get("SERVICE_DIR", f"services/{service}")
        assert (directory / service / "main.py").is_file(), directory


def test_compose_builds_existing_targets_with_settings_the_code_reads() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    targets = dockerfile_targets()
    for name, spec in compose["services"].items():
        if "build" in spec:
            assert spec["build"]["target"] in targets, name
        if name in SERVICES:
            unknown = set(spec["environment"]) - setting_names(name)
            assert not unknown, f"{name} sets variables its Settings never reads: {unknown}"
            assert "/healthz" in " ".join(spec["healthcheck"]["test"])
    migrate_env = set(compose["services"]["migrate"]["environment"])
    assert migrate_env <= NON_SERVICE_KEYS


def test_compose_wires_service_urls_to_compose_service_names() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    gateway_env = compose["services"]["gateway"]["environment"]
    for upstream in ("registry", "matching", "outcomes", "webhooks"):
        assert gateway_env[f"GATEWAY_{upstream.upper()}_URL"] == f"http://{upstream}:8000"
        assert upstream in compose["services"]


def test_k8s_deployments_have_probes_limits_and_known_images() -> None:
    docs = k8s_documents()
    kinds = [d["kind"] for d in docs]
    assert kinds.count("Deployment") == 5
    assert "Job" in kinds
    assert {d["spec"]["scaleTargetRef"]["name"] for d in docs if d["kind"] == "HorizontalPodAutoscaler"} == {
        "gateway",
        "matching",
    }
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    for deployment in (d for d in docs if d["kind"] == "Deployment"):
        name = deployment["metadata"]["name"]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["image"] == f"brobygger/{name}"
        assert container["image"] in compose_images(), "an image docker compose (and so the Dockerfile) builds"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["resources"]["limits"]["memory"]
        assert container["ports"][0]["containerPort"] == 8000
        assert services[name]["spec"]["ports"][0]["port"] == 8000


def test_k8s_config_and_secret_keys_are_settings_the_code_reads() -> None:
    docs = k8s_documents()
    known = set().union(*(setting_names(s) for s in SERVICES)) | NON_SERVICE_KEYS
    for doc in docs:
        if doc["kind"] == "ConfigMap":
            keys = set(doc["data"])
        elif doc["kind"] == "Secret":
            keys = set(doc["stringData"])
        else:
            continue
        assert keys <= known, f"{doc['metadata']['name']}: unknown keys {keys - known}"


@pytest.mark.parametrize("service", SERVICES)
def test_jwks_and_upstream_urls_point_at_k8s_services(service: str) -> None:
    config = next(d for d in k8s_documents() if d["kind"] == "ConfigMap")["data"]
    for key, value in config.items():
        if key.startswith(service.upper()) and key.endswith("_URL") and value.startswith("http"):
            host = value.split("//", 1)[1].split(":", 1)[0]
            assert host in SERVICES, key


def test_dockerfile_copies_no_data_the_installed_code_cannot_reach() -> None:
    """Data beside the source tree (/app/data) is invisible to code installed in site-packages."""
    text = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY ([^$\s]+) ", text, re.M):  # ${SERVICE_DIR}: a build argument
        assert (ROOT / source).exists(), source
        assert not source.startswith("data"), "ship reference data as package data of the package reading it"


def wheel_builder(out: Path) -> list[str]:
    """The command that builds one package's wheel into `out`: uv where `make install` used it (its
    venvs carry no pip), else the venv's pip (the Makefile's fallback)."""
    uv = shutil.which("uv")
    if uv:
        return [uv, "build", "--wheel", "-q", "--out-dir", str(out)]
    return [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]


def test_installed_packages_carry_their_data_and_find_it_outside_the_source_tree(tmp_path: Path) -> None:
    # pip builds a local folder in place (build/, *.egg-info): build copies, not the worktree.
    sources = tmp_path / "src"
    for folder in IMAGE_PACKAGES:
        shutil.copytree(ROOT / folder, sources / folder, ignore=shutil.ignore_patterns("build", "*.egg-info", "tests"))
    wheels = tmp_path / "wheels"
    for folder in IMAGE_PACKAGES:
        subprocess.run([*wheel_builder(wheels), f"./{folder}"], cwd=sources, check=True)
    site = tmp_path / "site-packages"
    for folder, package in IMAGE_PACKAGES.items():
        (wheel,) = wheels.glob(f"brobygger_{package}-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            shipped = set(archive.namelist())
            archive.extractall(site)
        source = ROOT / folder / package
        data = {
            path.relative_to(source.parent).as_posix()
            for path in source.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
        }
        assert not data - shipped, f"{folder}: files the wheel leaves out: {sorted(data - shipped)}"
    env = {**os.environ, "PYTHONPATH": str(site)}
    subprocess.run([sys.executable, "-c", INSTALLED_READS, str(site)], cwd=tmp_path, env=env, check=True)
