import os
import subprocess


def compose_file(root, component):
    name = os.environ.get("COMPOSE_FILE", "docker-compose.test.yaml")
    return os.path.join(root, name)


def up(root, component):
    subprocess.run(["docker", "compose", "-f", compose_file(root, component), "up", "-d"], check=True)
