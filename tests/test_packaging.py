"""Packaging: the sdist holds the tests, the floors of the dependencies, scripts/dev.py, and the offline wheelhouse."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from conftest import ROOT
from packaging_support import linux_wheelhouse, load_script, offline_env

dev = load_script("dev")
wheelhouse = load_script("wheelhouse")


def version(text: str) -> tuple[int, ...]:
    """Return a release as numbers, without trailing zeros: `2.8` and `2.8.0` are the same version."""
    parts = [int(part) for part in text.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# The dependencies and their floors -------------------------------------------------------------------------


def floors_in_pyproject() -> dict[str, str]:
    """Return each runtime dependency of pyproject.toml with its lower bound (`>=X`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"(?P<name>[A-Za-z0-9._-]+)>=(?P<floor>[0-9.]+)(?:,<[0-9.]+)?", requirement)
        assert match, f"{requirement!r}: every dependency has a floor (>=X), and at most a cap"
        floors[canonical(match["name"])] = match["floor"]
    return floors


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            found[canonical(name)] = pinned
    return found


def test_constraints_min_pins_every_dependency_at_its_floor() -> None:
    floors = floors_in_pyproject()
    minimum = pins(ROOT / "constraints-min.txt")
    assert minimum.keys() == floors.keys()
    for name, floor in floors.items():
        assert version(minimum[name]) == version(floor), f"constraints-min.txt has {name} {minimum[name]}, not {floor}"


def test_the_locked_versions_are_within_the_floors() -> None:
    locked = pins(ROOT / "constraints.txt")
    for name, floor in floors_in_pyproject().items():
        assert version(locked[name]) >= version(floor), f"constraints.txt has {name} {locked[name]}, below {floor}"


def test_typer_is_above_the_releases_that_break_every_command() -> None:
    # 0.12.0-0.12.5 crashed on every command or printed the version and exited 0 (issue 15, item 5).
    assert version(floors_in_pyproject()["typer"]) > (0, 12, 5)


# The sdist ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist from this checkout with the build backend of pyproject.toml, without a network."""
    out = tmp_path_factory.mktemp("dist")
    script = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    built = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    (archive,) = out.glob("bpr-*.tar.gz")
    return archive


def sdist_names(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}


def test_the_sdist_holds_the_tests_and_every_file_they_read(sdist: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist): no list of the project's files to compare with")
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # CI's own files are all the sdist leaves out.
    wanted = {name for name in listed.splitlines() if not name.startswith((".ci/", ".github/", ".gitignore"))}
    names = sdist_names(sdist)
    assert sorted(wanted - names) == []
    assert {"LICENSE", "tests/conftest.py", "tests/test_packaging.py", "constraints-min.txt"} <= names
    assert not [name for name in names if "__pycache__" in name or name.startswith("benchmarks/results/")]


def test_the_tests_run_from_the_unpacked_sdist(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    (tree,) = tmp_path.iterdir()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    where = subprocess.run(
        [sys.executable, "-c", "import bpr; print(bpr.__file__)"], cwd=tree, env=env, capture_output=True, text=True
    )
    assert Path(where.stdout.strip()).is_relative_to(tree), "bpr must be imported from the sdist, not the checkout"
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_rules.py", "tests/test_schema.py"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stdout[-3000:]
    assert re.search(r"\d+ passed", tested.stdout)


def test_the_licence_is_in_the_wheel_metadata_too(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/PKG-INFO") and m.name.count("/") == 1)
        file = tar.extractfile(member)
        assert file is not None
        info = file.read().decode("utf-8")
    assert "License-Expression: MIT" in info
    assert "License-File: LICENSE" in info


# scripts/dev.py ------------------------------------------------------------------------------------------------


def test_the_venv_programs_are_under_scripts_with_exe_on_windows_and_bin_elsewhere() -> None:
    windows = dev.Venv(PureWindowsPath(r"C:\Users\tanaka\bpr\.venv"), windows=True)
    assert windows.program("bpr") == PureWindowsPath(r"C:\Users\tanaka\bpr\.venv\Scripts\bpr.exe")
    assert windows.python == PureWindowsPath(r"C:\Users\tanaka\bpr\.venv\Scripts\python.exe")
    linux = dev.Venv(PurePosixPath("/home/tanaka/bpr/.venv"), windows=False)
    assert linux.program("bpr") == PurePosixPath("/home/tanaka/bpr/.venv/bin/bpr")
    assert linux.python == PurePosixPath("/home/tanaka/bpr/.venv/bin/python")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder as dev.py sees it: pyproject.toml and constraints.txt, no .venv yet."""
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def no_program(name: str) -> str | None:
    return None


def commands(steps: list) -> list[list[str]]:
    return [step.command for step in steps if step.command]


def test_a_fresh_windows_machine_gets_a_venv_an_install_and_the_build(project: Path) -> None:
    steps = dev.plan("build", project, True, None, {}, no_program)
    create, install, build = commands(steps)
    assert create[1:] == ["-m", "venv", str(project / ".venv")]
    assert install[0] == str(project / ".venv" / "Scripts" / "python.exe")
    assert install[-4:] == ["-c", "constraints.txt", "-e", ".[dev]"] and "--no-index" not in install
    assert build == [str(project / ".venv" / "Scripts" / "bpr.exe"), "build", "inventories/", "-o", "out/"]
    # What is missing is said, with the ways to install it (with and without admin rights).
    notes = "\n".join(step.say for step in steps if not step.command)
    assert "winget install Graphviz.Graphviz" in notes and ".zip" in notes and "without" in notes.lower()
    assert "Japanese Supplemental Fonts" in notes


def test_test_mode_runs_ruff_mypy_pytest_and_validate_from_the_venv(project: Path) -> None:
    *_, ruff, ruff_format, mypy, pytest_, validate = commands(dev.plan("test", project, False, None, {}, no_program))
    venv_bin = project / ".venv" / "bin"
    assert ruff == [str(venv_bin / "ruff"), "check", "."]
    assert ruff_format == [str(venv_bin / "ruff"), "format", "--check", "."]
    assert mypy == [str(venv_bin / "mypy")]
    assert pytest_ == [str(venv_bin / "pytest"), "-q", "--strict-config"]
    assert validate == [str(venv_bin / "bpr"), "validate", "inventories/"]


def test_offline_it_installs_from_the_wheelhouse_with_no_index(project: Path) -> None:
    folder = project / "wheelhouse"
    build_install = commands(dev.plan("build", project, True, folder, {}, no_program))[1]
    assert build_install[-7:] == ["--no-index", "--find-links", str(folder), "-c", "constraints.txt", "-e", "."]
    test_install = commands(dev.plan("test", project, True, folder, {}, no_program))[1]
    assert test_install[-1] == ".[dev]"


def test_a_prepared_venv_is_not_installed_again_until_the_constraints_change(project: Path) -> None:
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "bpr"):
        (bin_dir / name).touch()
    (project / ".venv" / dev.STAMP).write_text(dev.installed_hash(project) + "\n", encoding="utf-8")
    assert commands(dev.plan("build", project, False, None, {}, no_program)) == [
        [str(bin_dir / "bpr"), "build", "inventories/", "-o", "out/"]
    ]
    with (project / "constraints.txt").open("a", encoding="utf-8") as file:
        file.write("rich==99.0\n")
    assert "install" in commands(dev.plan("build", project, False, None, {}, no_program))[0]


def test_the_install_stamp_is_the_one_scripts_dev_writes() -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    bash = subprocess.run(
        ["bash", "-c", "cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert dev.installed_hash(ROOT) == bash.stdout.strip()
    assert re.search(r"stamp=\.venv/\.bpr-installed", (ROOT / "scripts" / "dev").read_text(encoding="utf-8"))


def test_graphviz_unpacked_without_admin_is_found_and_used_for_the_run(tmp_path: Path) -> None:
    local = tmp_path / "AppData" / "Local"
    dot = local / "Programs" / "Graphviz" / "bin" / "dot.exe"
    dot.parent.mkdir(parents=True)
    dot.touch()
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    (fonts / "meiryo.ttc").touch()
    environ = {"LOCALAPPDATA": str(local), "WINDIR": str(tmp_path / "Windows"), "PATH": "/usr/bin"}
    notes, env = dev.system_notes("build", environ, True, no_program)
    assert len(notes) == 1 and "not on PATH" in notes[0] and str(dot.parent) in notes[0]
    assert env["PATH"].split(os.pathsep) == [str(dot.parent), "/usr/bin"]


def test_without_libreoffice_the_tests_skip_its_print_checks_and_say_so(tmp_path: Path) -> None:
    environ = {"ProgramFiles": str(tmp_path / "Program Files"), "WINDIR": str(tmp_path / "Windows")}
    notes, env = dev.system_notes("test", environ, True, no_program)
    assert env["BPR_SKIP_LIBREOFFICE"] == "1" and any("LibreOffice" in note for note in notes)
    soffice = tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe"
    soffice.parent.mkdir(parents=True)
    soffice.touch()
    notes, env = dev.system_notes("test", environ, True, no_program)
    assert "BPR_SKIP_LIBREOFFICE" not in env and env["PATH"].startswith(str(soffice.parent))
    # The build needs no LibreOffice: nothing is said about it.
    assert not any("LibreOffice" in note for note in dev.system_notes("build", environ, True, no_program)[0])


def test_a_japanese_font_the_user_installed_counts(tmp_path: Path) -> None:
    user_fonts = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    environ = {"LOCALAPPDATA": str(tmp_path / "Local"), "WINDIR": str(tmp_path / "Windows")}
    assert not dev.has_japanese_font(environ, True, no_program)
    (user_fonts / "BIZ-UDGothicR.ttc").touch()
    assert dev.has_japanese_font(environ, True, no_program)


def run_dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dev.py"), *args], cwd=ROOT, capture_output=True, text=True
    )


def test_dev_py_help_names_the_three_jobs() -> None:
    shown = run_dev("--help")
    assert shown.returncode == 0
    for mode in ("build", "test", "min-deps", "--dry-run", "--wheelhouse"):
        assert mode in shown.stdout


def test_a_dry_run_says_what_it_would_do_and_does_nothing(tmp_path: Path) -> None:
    built = run_dev("build", "--dry-run")
    assert built.returncode == 0, built.stderr
    assert "would: bpr build inventories/ -o out/" in built.stderr
    checked = run_dev("min-deps", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "-c constraints-min.txt ." in checked.stderr
    assert run_dev("deploy").returncode == 2


# The wheelhouse ---------------------------------------------------------------------------------------------


def fake_wheel(folder: Path, name: str, requires: list[str]) -> None:
    """Write a wheel that holds only its METADATA: its name and Requires-Dist lines."""
    metadata = "".join(
        [f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", *(f"Requires-Dist: {r}\n" for r in requires)]
    )
    with zipfile.ZipFile(folder / f"{name}-1.0-py3-none-any.whl", "w") as archive:
        archive.writestr(f"{name}-1.0.dist-info/METADATA", metadata)


def test_requirements_pip_skips_on_linux_are_found_for_windows(tmp_path: Path) -> None:
    # pip download evaluates markers on the machine it runs on, whatever --platform says.
    fake_wheel(tmp_path, "typer", ["rich>=13.8", 'colorama; platform_system == "Windows"'])
    fake_wheel(tmp_path, "rich", ["pygments"])
    fake_wheel(tmp_path, "pygments", [])
    fake_wheel(tmp_path, "bpr", ["typer", 'pytest>=8; extra == "dev"', 'uvloop; sys_platform != "win32"'])
    windows = wheelhouse.Target("windows", "3.12")
    linux = wheelhouse.Target("linux", "3.11")
    assert wheelhouse.missed_requirements(tmp_path, windows, {}) == ["colorama"]
    assert wheelhouse.missed_requirements(tmp_path, windows, {"bpr": ("dev",)}) == ["colorama", "pytest>=8"]
    assert wheelhouse.missed_requirements(tmp_path, linux, {}) == ["uvloop"]


def test_the_download_asks_for_binary_wheels_of_the_platform_and_python(tmp_path: Path) -> None:
    command = wheelhouse.download_command(wheelhouse.Target("windows", "3.12"), tmp_path, ["bpr.whl"])
    assert "--only-binary=:all:" in command
    assert command[command.index("--platform") + 1] == "win_amd64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert command[command.index("-c") + 1] == str(ROOT / "constraints.txt")
    linux = wheelhouse.download_command(wheelhouse.Target("linux", "3.11"), tmp_path, ["bpr.whl"])
    platforms = [linux[i + 1] for i, word in enumerate(linux) if word == "--platform"]
    assert {"manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"} <= set(platforms)


def test_bpr_installs_from_the_wheelhouse_with_no_index(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    folder = linux_wheelhouse(tmp_path_factory)
    names = {canonical(wheel.name.split("-")[0]) for wheel in folder.glob("*.whl")}
    assert {"bpr", "typer", "pydantic", "pydantic-core", "lxml", "ruamel-yaml-clib", "setuptools"} <= names
    (wheel,) = folder.glob("bpr-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        inside = archive.namelist()
    # The compiled catalog and the licence travel in the wheel; the catalog's sources stay in the sdist.
    assert "bpr/locale/ja/LC_MESSAGES/bpr.mo" in inside
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in inside)
    assert not [name for name in inside if name.endswith(".po") or "__pycache__" in name]
    venv = dev.Venv(tmp_path / "venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv.root)], check=True)
    # As docs/offline.md says, with nothing but the folder: no index, no pip configuration.
    env = offline_env(folder, BPR_LANG="en", XDG_CACHE_HOME=str(tmp_path / "cache"))
    installed = subprocess.run(
        [str(venv.python), "-m", "pip", "install", "--no-index", "--find-links", str(folder), "bpr"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
    validated = subprocess.run(
        [str(venv.program("bpr")), "validate", str(ROOT / "inventories")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stderr
    assert "10 files" in validated.stderr + validated.stdout
    located = subprocess.run(
        [str(venv.python), "-c", "import bpr; print(bpr.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(tmp_path / "venv")


# The README's GitHub Actions workflows ----------------------------------------------------------------------


def readme_workflows() -> dict[str, dict]:
    """Return the workflows of the README's YAML blocks, by the file name their first line gives."""
    from bpr.inventory.yamlfile import parse_yaml

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n# \.github/workflows/(\S+)\n(.*?)```", text, re.S)
    return {name: parse_yaml(body).data for name, body in blocks}


def test_the_readme_workflows_install_bpr_from_its_repository_not_the_inventorys() -> None:
    workflows = readme_workflows()
    assert set(workflows) == {"inventory.yml", "inventory-diff.yml"}
    for name, workflow in workflows.items():
        (job,) = workflow["jobs"].values()
        runs = [step["run"] for step in job["steps"] if "run" in step]
        (install,) = [run for run in runs if run.startswith("pip install")]
        # The inventory's repository has neither bpr's source nor its constraints.txt: both come from bpr's.
        assert '"bpr @ git+$BPR_REPO@$BPR_REF"' in install, name
        assert '-c "$BPR_REPO/raw/$BPR_REF/constraints.txt"' in install, name
        assert {"BPR_REPO", "BPR_REF"} <= set(workflow["env"]), name


def test_the_readme_validation_runs_once_per_pull_request_change() -> None:
    trigger = readme_workflows()["inventory.yml"]["on"]
    # push to every branch as well as pull_request would run twice for each push to a pull request.
    assert set(trigger) == {"pull_request", "push"}
    assert trigger["push"] == {"branches": ["main"]}
