"""Runs a component's tests inside Docker infrastructure."""
import subprocess
from pathlib import Path
from typing import Optional


class DockerTestExecutor:
    def __init__(self, project_root: Path, reporter):
        self.project_root = project_root
        self.reporter = reporter
        self.compose_file = None
        self._infrastructure_started = False

    def _get_compose_file_path(self, component: Optional[str]) -> Optional[Path]:
        """The component's own docker-compose.test.yaml; the root file only as a deprecated fallback."""
        if component:
            compose_file = self.project_root / component / "docker-compose.test.yaml"
            if compose_file.exists():
                return compose_file
        # Fallback to the old location (during migration)
        for old_location in (self.project_root / "docker-compose.test.yaml", self.project_root / "todo" / "docker-compose.test.yaml"):
            if old_location.exists():
                self.reporter.warning(
                    f"Using deprecated {old_location} for {component}; expected {component}/docker-compose.test.yaml",
                    context="DockerTestExecutor",
                )
                return old_location
        return None

    def ensure_infrastructure(self, component: Optional[str] = None) -> bool:
        """Start Docker infrastructure for the test run."""
        self.compose_file = self._get_compose_file_path(component)
        if self._infrastructure_started:
            return True
        if self.compose_file is None:
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
        if self.compose_file is None:
            return
        subprocess.run(["docker", "compose", "-f", str(self.compose_file), "down", "-v"], cwd=str(self.project_root))
