"""Brings the shared test stack up and down."""
import subprocess
from pathlib import Path


class StackManager:
    def __init__(self, slim: bool = False, ci: bool = False):
        self.slim = slim
        self.ci = ci

    def _stack_file(self) -> str:
        if self.slim:
            candidates = ["docker-compose.slim-test.yaml", "docker-compose.test.yaml"]
        else:
            candidates = ("docker-compose.test.yaml", "docker-compose.yaml")
        for name in candidates:
            if Path(name).exists():
                return name
        raise RuntimeError("no compose file")

    def up(self) -> None:
        subprocess.run(["docker", "compose", "-f", self._stack_file(), "up", "-d"], check=True)

    def down(self) -> None:
        subprocess.run(["docker", "compose", "-f", self._stack_file(), "down", "-v"], check=True)
