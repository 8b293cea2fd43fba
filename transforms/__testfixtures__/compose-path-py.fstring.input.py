import subprocess


def down(root: str, component: str) -> None:
    subprocess.run(["docker", "compose", "-f", f"{root}/docker-compose.test.yaml", "down", "-v"], check=True)
