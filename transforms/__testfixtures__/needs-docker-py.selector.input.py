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

    def pick_runner(self, category: str):
        """Local runner for fast suites, containers for the rest."""
        if category in ("unit", "lint"):
            return self.local_runner
        return self.container_runner

    def run_package(self, component_name: str, categories: Optional[List[str]] = None) -> bool:
        ok = True
        for category in categories or ["unit", "integration"]:
            runner = self.pick_runner(category)
            ok = runner.run(component_name, category) and ok
        return ok

    def run_all(self, packages: List[str]) -> bool:
        results = []
        for component in packages:
            results.append(self.pick_runner("integration").run(component, "integration"))
        return all(results)

    def warm_up(self) -> None:
        self.pick_runner("integration").prepare()
