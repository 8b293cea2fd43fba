"""Chooses an executor for each component and test category."""
from pathlib import Path

from laborant.core.docker_test_executor import DockerTestExecutor
from laborant.core.host_test_executor import HostTestExecutor

DOCKER_CATEGORIES = ("integration", "e2e")


class Orchestrator:
    def __init__(self, project_root: Path, reporter):
        self.project_root = project_root
        self.reporter = reporter

    def _component_needs_docker(self, component_name: str, category: str) -> bool:
        return category in DOCKER_CATEGORIES

    def executor_for(self, component_name: str, category: str):
        if self._component_needs_docker(component_name, category):
            return DockerTestExecutor(self.project_root, self.reporter)
        return HostTestExecutor(self.project_root, self.reporter)
