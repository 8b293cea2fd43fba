"""Compose helpers for the integration runner."""
import warnings
import subprocess
from pathlib import Path


def _get_compose_file_path(project_root, component):
    """The component's own docker-compose.test.yaml; the root file only as a deprecated fallback."""
    if component:
        compose_file = project_root / component / "docker-compose.test.yaml"
        if compose_file.exists():
            return compose_file
    # Fallback to the old location (during migration)
    for old_location in (project_root / "docker-compose.test.yaml", project_root / "todo" / "docker-compose.test.yaml"):
        if old_location.exists():
            warnings.warn(f"Using deprecated {old_location} for {component}; expected {component}/docker-compose.test.yaml", DeprecationWarning, stacklevel=2)
            return old_location
    return None


def start_infrastructure(project_root: Path, component: str) -> None:
    compose_file = _get_compose_file_path(project_root, component)
    subprocess.run(["docker", "compose", "-f", str(compose_file), "up", "-d"], check=True)
