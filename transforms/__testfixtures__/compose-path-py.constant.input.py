"""Compose helpers for the integration runner."""
import subprocess
from pathlib import Path

COMPOSE_FILE = "docker-compose.test.yaml"


def start_infrastructure(project_root: Path, component: str) -> None:
    compose_file = project_root / COMPOSE_FILE
    subprocess.run(["docker", "compose", "-f", str(compose_file), "up", "-d"], check=True)
