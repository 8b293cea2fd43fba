"""Dispatches check suites to wherever they run."""
from checks.runners import InProcessRunner, SandboxRunner, DockerRunner


class Dispatcher:
    def __init__(self, workspace):
        self.workspace = workspace
        self.inline = InProcessRunner()
        self.sandbox = SandboxRunner(workspace)
        self.docker = DockerRunner(workspace)

    def executor_for(self, category):
        if category == "unit":
            return self.inline
        if category == "contract":
            return self.sandbox
        return self.docker


def runner_for(category):
    if category == "unit":
        return InProcessRunner()
    return DockerRunner(".")
