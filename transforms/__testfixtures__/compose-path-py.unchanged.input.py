"""Runs a component's tests directly on the host."""
import subprocess
from pathlib import Path


def run(project_root: Path, component: str) -> int:
    # docker-compose.test.yaml is not involved here
    return subprocess.run(["python", "-m", "pytest", str(project_root / component / "tests")]).returncode
