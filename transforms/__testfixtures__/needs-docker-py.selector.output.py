"""Runs each package's test suites, locally or against containers."""
import os
from typing import List, Optional

from suiterun.local import LocalRunner
from suiterun.containers import ContainerRunner


class SuiteCoordinator:
    def __init__(self, root_dir: str, quiet: bool = False):
        self.root_dir = root_dir
        self.quiet = quiet
        self.local_runner = LocalRunner(os.path.join(root_dir, "packages"))
        self.container_runner = ContainerRunner(root_dir)

    def pick_runner(self, category: str, component: Optional[str] = None):
        """Local runner for fast suites, containers for the rest."""
        # Per component: one without its own docker-compose.test.yaml runs on the host
        if component is not None and not self._component_needs_docker(component, category):
            return self.local_runner
        if category in ("unit", "lint"):
            return self.local_runner
        return self.container_runner

    def _component_needs_docker(self, component_name: str, category: str) -> bool:
        """Docker for e2e tests, and for a component that has its own docker-compose.test.yaml."""
        # E2E tests always need Docker
        if category == "e2e":
            return True
        # Without its own docker-compose.test.yaml the component runs on the host
        return os.path.exists(os.path.join(self.root_dir, component_name, "docker-compose.test.yaml"))

    def run_package(self, component_name: str, categories: Optional[List[str]] = None) -> bool:
        ok = True
        for category in categories or ["unit", "integration"]:
            runner = self.pick_runner(category, component=component_name)
            ok = runner.run(component_name, category) and ok
        return ok

    def run_all(self, packages: List[str]) -> bool:
        results = []
        for component in packages:
            results.append(self.pick_runner("integration", component=component).run(component, "integration"))
        return all(results)

    def warm_up(self) -> None:
        self.pick_runner("integration").prepare()
