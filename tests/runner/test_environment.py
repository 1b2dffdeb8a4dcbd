"""The conda environment file and the pinned requirements agree, and the lock covers every pin."""

from __future__ import annotations

from analysis.core import paths
from analysis.runner import environment


def test_environment_yml_matches_requirements():
    assert environment.mismatches() == []


def test_lock_file_has_every_direct_pin_at_the_same_version():
    direct = environment.read_pins(paths.ROOT / "requirements.txt")
    locked = environment.read_pins(paths.LOCK_FILE)
    assert {name: version for name, version in direct.items() if locked.get(name) != version} == {}


def test_mismatches_reports_a_drifted_pin(tmp_path):
    requirements = tmp_path / "requirements.txt"
    conda = tmp_path / "environment.yml"
    requirements.write_text("pandas==3.1.1\nJupyter_Book==1.0.4.post1\n")
    conda.write_text(
        "dependencies:\n  - pip:\n      - pandas==3.1.0\n      - jupyter-book==1.0.4.post1\n      - extra==1\n"
    )
    assert environment.mismatches(requirements, conda) == [
        "pandas: requirements.txt pins 3.1.1, environment.yml has 3.1.0",
        "extra: pinned in environment.yml only",
    ]
