"""Runs a component's tests inside Docker infrastructure."""
import subprocess
from pathlib import Path
from typing import Optional


class DockerTestExecutor:
    def __init__(self, project_root: Path, reporter):
        self.project_root = project_root
        self.reporter = reporter
        self.compose_file = project_root / "docker-compose.test.yaml"
        self._infrastructure_started = False

    def ensure_infrastructure(self, component: Optional[str] = None) -> bool:
        """Start Docker infrastructure for the test run."""
        if self._infrastructure_started:
            return True
        if not self.compose_file.exists():
            self.reporter.warning("No docker-compose.test.yaml found", context="DockerTestExecutor")
            return False
        try:
            subprocess.run(
                ["docker", "compose", "-f", str(self.compose_file), "--profile", "integration", "up", "-d"],
                cwd=str(self.project_root),
                check=True,
                capture_output=True,
                text=True,
            )
            self._infrastructure_started = True
            return True
        except subprocess.CalledProcessError as e:
            self.reporter.error(f"Failed to start Docker infrastructure: {e.stderr}", context="DockerTestExecutor")
            return False

    def teardown(self) -> None:
        subprocess.run(["docker", "compose", "-f", str(self.compose_file), "down", "-v"], cwd=str(self.project_root))
