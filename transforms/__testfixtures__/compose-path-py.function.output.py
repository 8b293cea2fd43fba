import warnings
import os
import subprocess


def _get_compose_file_path(project_root, component):
    """The component's own docker-compose.test.yaml; the root file only as a deprecated fallback."""
    if component:
        compose_file = os.path.join(project_root, component, "docker-compose.test.yaml")
        if os.path.exists(compose_file):
            return compose_file
    # Fallback to the old location (during migration)
    for old_location in (os.path.join(project_root, "docker-compose.test.yaml"), os.path.join(project_root, "todo", "docker-compose.test.yaml")):
        if os.path.exists(old_location):
            warnings.warn(f"Using deprecated {old_location} for {component}; expected {component}/docker-compose.test.yaml", DeprecationWarning, stacklevel=2)
            return old_location
    return None


def compose_args(root, component_name):
    compose_file = _get_compose_file_path(root, component_name)
    return ["docker", "compose", "-f", compose_file]


def up(root, component_name):
    subprocess.run(compose_args(root, component_name) + ["up", "-d"], check=True)
