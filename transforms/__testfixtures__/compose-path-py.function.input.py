import os
import subprocess


def compose_args(root, component_name):
    compose_file = os.path.join(root, "docker-compose.test.yaml")
    return ["docker", "compose", "-f", compose_file]


def up(root, component_name):
    subprocess.run(compose_args(root, component_name) + ["up", "-d"], check=True)
