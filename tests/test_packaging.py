"""Packaging: the sdist holds the tests, the floors of the dependencies, scripts/dev.py, and the offline wheelhouse."""

from __future__ import annotations

import json
import os
import platform
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
from packaging_support import linux_wheelhouse, load_script, made_wheelhouse, offline_env

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


# The hashed locks ---------------------------------------------------------------------------------------------

_LOCK_LINE = re.compile(r"(?P<name>[a-z0-9-]+)==(?P<version>[^ ;]+)(?: ; (?P<marker>.+))?")


def lock_entries(path: Path) -> dict[str, tuple[str, str, list[str]]]:
    """Return each package of a lock: its version, its marker (or '') and the sha256 of its wheels."""
    entries: dict[str, tuple[str, str, list[str]]] = {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    for requirement in "\n".join(lines).replace(" \\\n", " ").splitlines():
        head, *options = requirement.split(" --hash=")
        match = _LOCK_LINE.fullmatch(head.strip())
        assert match, f"{path.name}: not a pinned requirement: {head!r}"
        assert match["name"] not in entries, f"{path.name}: {match['name']} twice"
        hashes = [option.strip().removeprefix("sha256:") for option in options]
        assert hashes, f"{path.name}: {match['name']} has no hash"
        assert all(option.strip().startswith("sha256:") for option in options)
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), f"{path.name}: {match['name']}"
        entries[match["name"]] = (match["version"], match["marker"] or "", hashes)
    return entries


def test_the_locks_pin_every_package_of_constraints_txt_at_its_version_with_sha256() -> None:
    runtime = lock_entries(ROOT / "requirements.lock")
    development = lock_entries(ROOT / "requirements-dev.lock")
    locked = {name: version for name, (version, _, _) in {**development, **runtime}.items()}
    assert locked == pins(ROOT / "constraints.txt"), "rewrite the locks: python scripts/lock.py"
    # A package in both files only with markers that never hold together (one line per system).
    for name in runtime.keys() & development.keys():
        assert runtime[name][1] and development[name][1] and runtime[name][1] != development[name][1]


def test_the_runtime_lock_holds_bpr_s_dependencies_and_no_dev_tool() -> None:
    runtime = lock_entries(ROOT / "requirements.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {canonical(re.split(r"[<>=;\[ ]", r, maxsplit=1)[0]) for r in project["project"]["dependencies"]}
    assert wanted | {"setuptools", "pip"} <= runtime.keys()
    tools = {canonical(re.split(r"[<>=;\[ ]", r, maxsplit=1)[0]) for r in wheelhouse.dependency_group("dev")}
    assert tools - runtime.keys() >= {"pytest", "ruff", "mypy", "hypothesis", "selenium", "pre-commit"}
    assert tools - {"pyyaml", "setuptools"} <= lock_entries(ROOT / "requirements-dev.lock").keys()
    # pip 25.1 knows dependency groups (pip install --group dev): the venvs get at least that one.
    assert version(runtime["pip"][0]) >= (25, 1)


def test_the_dev_tools_are_a_dependency_group_not_an_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "optional-dependencies" not in project["project"]
    group = wheelhouse.dependency_group("dev")
    assert "pytest>=8" in group and any(line.startswith("zizmor>=") for line in group)
    # Included groups are expanded (PEP 735), and a group that includes itself is refused.
    nested = {"dependency-groups": {"test": ["pytest"], "Dev": ["ruff", {"include-group": "test"}]}}
    assert wheelhouse.dependency_group("dev", nested) == ["ruff", "pytest"]
    with pytest.raises(ValueError, match="includes itself"):
        wheelhouse.dependency_group("a", {"dependency-groups": {"a": [{"include-group": "a"}]}})
    # Their markers are evaluated for the system a wheelhouse is made for, not for the one making it.
    marked = ['zizmor>=1.20; sys_platform == "win32"', 'uvloop; sys_platform != "win32"', "ruff"]
    assert wheelhouse.holding_on(wheelhouse.Target("windows", "3.13"), marked) == ["zizmor>=1.20", "ruff"]
    assert wheelhouse.holding_on(wheelhouse.Target("linux", "3.11"), marked) == ["uvloop", "ruff"]


def test_the_lock_writer_gives_a_marker_to_what_only_some_systems_need() -> None:
    lock = load_script("lock")
    everywhere = {(platform, python) for platform in ("windows", "linux") for python in wheelhouse.PYTHONS}
    assert lock.marker(everywhere) == ""
    assert lock.marker({("windows", python) for python in wheelhouse.PYTHONS}) == 'sys_platform == "win32"'
    assert lock.marker({("windows", "3.11"), ("linux", "3.11")}) == 'python_version == "3.11"'
    assert lock.marker({("linux", "3.12"), ("linux", "3.13")}) == (
        '(sys_platform == "linux" and (python_version == "3.12" or python_version == "3.13"))'
    )
    text = lock.render("runtime", {"pip": lock.Entry("26.3", {"b" * 64, "a" * 64}, everywhere)})
    assert text.endswith(f"pip==26.3 \\\n    --hash=sha256:{'a' * 64} \\\n    --hash=sha256:{'b' * 64}\n")


# The sdist ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist from this checkout with the build backend of pyproject.toml, without a network."""
    out = tmp_path_factory.mktemp("dist")
    script = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    built = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    (archive,) = out.glob("bpr_madoguchi-*.tar.gz")
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


def package_info(sdist: Path) -> str:
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/PKG-INFO") and m.name.count("/") == 1)
        file = tar.extractfile(member)
        assert file is not None
        return file.read().decode("utf-8")


def test_the_licence_is_in_the_wheel_metadata_too(sdist: Path) -> None:
    info = package_info(sdist)
    assert "License-Expression: MIT" in info
    assert "License-File: LICENSE" in info


def test_the_distribution_is_bpr_madoguchi_with_its_authors_and_classifiers(sdist: Path) -> None:
    import bpr

    info = package_info(sdist)
    # `bpr` on the package index is "BPR - Base Program Language": the distribution has a name of its own.
    assert "Name: bpr-madoguchi\n" in info and bpr.DISTRIBUTION == "bpr-madoguchi"
    # The version is written once, in bpr/__init__.py; pyproject.toml reads it.
    assert f"Version: {bpr.__version__}\n" in info
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert "Author: The bpr authors" in info
    classifiers = re.findall(r"^Classifier: (.+)$", info, re.M)
    assert {"Operating System :: Microsoft :: Windows", "Natural Language :: Japanese"} <= set(classifiers)
    # The Python versions said are the ones a wheelhouse is made for, from the floor of requires-python.
    pythons = [
        c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert pythons == list(wheelhouse.PYTHONS)
    assert project["requires-python"] == f">={pythons[0]}"
    assert (version(pythons[0]), version(pythons[-1])) == (dev.MIN_PYTHON, dev.MAX_PYTHON)


def test_every_documented_install_names_the_distribution() -> None:
    # One forgotten --no-index, `pip install -U bpr` or `pip install -c constraints.txt bpr` would install
    # someone else's code: no doc, script or workflow installs a distribution called bpr.
    install = re.compile(r"pip(?:\.exe)?\s+install\b[^\n`]*")
    wrong = []
    scripts = sorted(path for path in (ROOT / "scripts").glob("*") if path.is_file())  # not a __pycache__ folder
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *scripts]:
        for line in path.read_text(encoding="utf-8").splitlines():
            for command in install.findall(line):
                words = [w.strip("\"'") for w in command.split()]
                if "bpr" in words or any(w.startswith(("bpr @", "bpr[", "bpr==", "bpr-0")) for w in words):
                    wrong.append(f"{path.relative_to(ROOT)}: {command}")
    assert wrong == []


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
    """A project folder as dev.py sees it: pyproject.toml, constraints.txt and the locks, no .venv yet."""
    for name in dev.INSTALLED_FROM:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def no_program(name: str) -> str | None:
    return None


def commands(steps: list) -> list[list[str]]:
    return [step.command for step in steps if step.command]


def test_a_fresh_windows_machine_gets_a_venv_an_install_and_the_build(project: Path) -> None:
    steps = dev.plan("build", project, True, None, {}, no_program, machine="AMD64")
    create, locked, own, build = commands(steps)
    assert create[1:] == ["-m", "venv", str(project / ".venv")]
    assert locked[0] == own[0] == str(project / ".venv" / "Scripts" / "python.exe")
    # The build needs bpr's dependencies only: the runtime lock, every wheel checked against its sha256.
    assert locked[-4:] == ["--require-hashes", "--only-binary=:all:", "-r", "requirements.lock"]
    assert own[-4:] == ["--no-deps", "--no-build-isolation", "-e", "."] and "--no-index" not in locked + own
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
    _, locked, own, _ = commands(dev.plan("build", project, True, folder, {}, no_program, machine="AMD64"))
    assert locked[-5:] == ["--no-index", "--find-links", str(folder), "-r", "requirements.lock"]
    assert own[-5:] == ["--no-index", "--find-links", str(folder), "-e", "."]
    tested = commands(dev.plan("test", project, True, folder, {}, no_program, machine="AMD64"))[1]
    assert tested[-4:] == ["-r", "requirements.lock", "-r", "requirements-dev.lock"]


def test_build_installs_bpr_s_dependencies_and_test_the_dev_tools_too(project: Path) -> None:
    # Issue 25: the build installed the dev tools (63 packages) where it needs 23.
    built = commands(dev.plan("build", project, False, None, {}, no_program, machine="x86_64"))
    installed = [word for command in built if "install" in command for word in command]
    assert "requirements.lock" in installed and "requirements-dev.lock" not in installed
    assert "pytest" not in installed and "--group" not in installed
    tested = commands(dev.plan("test", project, False, None, {}, no_program, machine="x86_64"))
    assert tested[1][-4:] == ["-r", "requirements.lock", "-r", "requirements-dev.lock"]


def test_a_dry_run_of_the_build_would_install_no_dev_tool(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What `dev.py build --dry-run` prints on a fresh checkout: the pip commands name the runtime lock alone,
    # and the runtime lock holds no dev tool.
    steps = dev.plan("build", project, False, None, {}, no_program, machine="x86_64")
    assert dev.run_steps(steps, project, dry_run=True) == 0
    shown = capsys.readouterr().err
    installs = [line for line in shown.splitlines() if " -m pip install " in line]
    assert len(installs) == 2 and all(
        "requirements-dev.lock" not in line and "--group" not in line for line in installs
    )
    assert "-r requirements.lock" in installs[0] and not (project / ".venv").exists()
    runtime = lock_entries(ROOT / "requirements.lock")
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "selenium", "pre-commit"):
        assert tool not in runtime and f" {tool} " not in shown


def test_the_stamp_says_which_set_went_in_so_test_adds_the_dev_tools_and_build_adds_nothing(project: Path) -> None:
    venv = fake_venv(project, "3.13.1", stamp=False)
    stamp = venv / dev.STAMP

    def plan(mode: str) -> list:
        return dev.plan(mode, project, False, None, {}, no_program, running=(3, 13), machine="x86_64")

    # After `build`: the runtime set. `test` installs both locks (pip keeps what is there) and records dev.
    stamp.write_text(f"{dev.installed_hash(project)} runtime\n", encoding="utf-8")
    assert [c for c in commands(plan("build")) if "install" in c] == []
    steps = plan("test")
    locked = [c for c in commands(steps) if "--require-hashes" in c]
    assert len(locked) == 1 and locked[0][-2:] == ["-r", "requirements-dev.lock"]
    for step in steps:
        if step.say.startswith(("clearing", "recording")):
            step.action()  # clears the stamp, then writes it
    assert stamp.read_text(encoding="utf-8") == f"{dev.installed_hash(project)} dev\n"
    # After `test`: `build` and `test` install nothing.
    assert [c for c in commands(plan("build")) if "install" in c] == []
    assert [c for c in commands(plan("test")) if "install" in c] == []
    # A changed lock: `build` installs the runtime set again.
    with (project / "requirements.lock").open("a", encoding="utf-8") as file:
        file.write("# changed\n")
    again = [c for c in commands(plan("build")) if "install" in c]
    assert again and again[0][-2:] == ["-r", "requirements.lock"]


def test_a_system_the_locks_are_not_for_installs_the_constraints_without_hashes(project: Path) -> None:
    # An ARM Mac or Linux: the locks hold no wheel of it; pip comes first (25.1 or later knows --group).
    steps = dev.plan("test", project, False, None, {}, no_program, running=(3, 13), machine="arm64")
    _, pip, own, *_ = commands(steps)
    assert pip[-3:] == ["-c", "constraints.txt", "pip"]
    assert own[-6:] == ["-c", "constraints.txt", "-e", ".", "--group", "dev"]
    assert any("not for this system" in step.say for step in steps if not step.command)
    built = commands(dev.plan("build", project, False, None, {}, no_program, running=(3, 13), machine="arm64"))
    assert built[2][-4:] == ["-c", "constraints.txt", "-e", "."]
    # A Python the locks are not for, on a system they are for.
    assert dev.lock_covers(False, "x86_64", (3, 13)) and not dev.lock_covers(False, "x86_64", (3, 15))


def test_a_prepared_venv_is_not_installed_again_until_the_constraints_change(project: Path) -> None:
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "bpr"):
        (bin_dir / name).touch()
    (project / ".venv" / dev.STAMP).write_text(dev.installed_hash(project) + " runtime\n", encoding="utf-8")
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
        ["bash", "-c", f"cat {' '.join(dev.INSTALLED_FROM)} | sha256sum | cut -d' ' -f1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert dev.installed_hash(ROOT) == bash.stdout.strip()
    script = (ROOT / "scripts" / "dev").read_text(encoding="utf-8")
    assert re.search(r"stamp=\.venv/\.bpr-installed", script)
    assert f"wanted=$(cat {' '.join(dev.INSTALLED_FROM)} | sha256sum" in script
    assert 'echo "$wanted $needs" >"$stamp"' in script and set(dev.NEEDS.values()) == {"runtime", "dev"}


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


def test_dev_py_help_names_the_four_jobs() -> None:
    shown = run_dev("--help")
    assert shown.returncode == 0
    for mode in ("build", "test", "min-deps", "smoke", "--dry-run", "--wheelhouse"):
        assert mode in shown.stdout


def test_a_dry_run_says_what_it_would_do_and_does_nothing(tmp_path: Path) -> None:
    built = run_dev("build", "--dry-run")
    assert built.returncode == 0, built.stderr
    assert "would: bpr build inventories/ -o out/" in built.stderr
    checked = run_dev("min-deps", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "-c constraints-min.txt ." in checked.stderr
    smoked = run_dev("smoke", "--dry-run")
    assert smoked.returncode == 0, smoked.stderr
    if dev.lock_covers(os.name == "nt", platform.machine(), sys.version_info[:2]):
        assert "--require-hashes --only-binary=:all: -r requirements.lock" in smoked.stderr
        assert "--no-deps --no-build-isolation ." in smoked.stderr
    else:
        assert "-c constraints.txt ." in smoked.stderr
    assert run_dev("deploy").returncode == 2


def test_dev_py_speaks_japanese_unless_asked_for_english() -> None:
    japanese = {name: value for name, value in os.environ.items() if name != "BPR_LANG"}
    # A Japanese Windows console (cp932): every message encodes there.
    japanese["PYTHONIOENCODING"] = "cp932:strict"
    shown = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dev.py"), "build", "--dry-run"],
        cwd=ROOT,
        env=japanese,
        capture_output=True,
        encoding="cp932",
    )
    assert shown.returncode == 0, shown.stderr
    assert "==> 実行予定: bpr build inventories/ -o out/" in shown.stderr and "would:" not in shown.stderr
    helped = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dev.py"), "--help"],
        env=japanese,
        capture_output=True,
        encoding="cp932",
    )
    assert "何をするかを表示するだけ" in helped.stdout
    for english in (run_dev("build", "--dry-run"), run_dev("build", "--dry-run", "--lang", "en")):
        assert "==> would: bpr build inventories/ -o out/" in english.stderr
    assert "実行予定" in run_dev("build", "--dry-run", "--lang", "ja").stderr


@pytest.mark.parametrize("script", ["dev.py", "dev", "wheelhouse.py", "verify_wheelhouse.py", "lock.py"])
def test_the_set_up_scripts_encode_in_cp932(script: str) -> None:
    # Their messages are in the source: a character a Japanese Windows console cannot show (an em dash, a wave
    # dash) fails here before it fails there.
    text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
    text.encode("cp932")
    assert re.search(r"[\u3040-\u30ff]", text), "Japanese messages"


def fake_venv(project: Path, python: str, stamp: bool) -> Path:
    """Write a .venv as a venv module would leave it: its programs and pyvenv.cfg, and the stamp of a finished install."""
    bin_dir = project / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "bpr"):
        (bin_dir / name).touch()
    (project / ".venv" / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {python}\n", encoding="utf-8")
    if stamp:
        (project / ".venv" / dev.STAMP).write_text(dev.installed_hash(project) + " dev\n", encoding="utf-8")
    return project / ".venv"


def wheel_files(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"not a real wheel: dev.py reads the tags of the name")
    return folder


def test_a_venv_whose_last_install_did_not_finish_is_made_afresh(project: Path) -> None:
    venv = fake_venv(project, "3.13.0", stamp=False)
    steps = dev.plan("build", project, False, None, {}, no_program, running=(3, 13))
    assert steps[0].say.startswith("removing .venv: its last install did not finish")
    assert commands(steps)[0][1:] == ["-m", "venv", str(venv)]
    assert any("install" in command for command in commands(steps)[1])
    assert steps[0].action is not None
    steps[0].action()
    assert not venv.exists()


def test_a_wheelhouse_for_other_pythons_is_named_before_pip_is_asked(project: Path) -> None:
    # The LGWAN PC has Python 3.13 (python.org offers Windows installers for 3.13 and later only); the wheelhouse
    # was made for 3.11 and 3.12: pip would say ResolutionImpossible, dev.py says what is wrong, and exits 2.
    folder = wheel_files(
        project / "wheelhouse",
        "pydantic_core-2.50.5-cp311-cp311-win_amd64.whl",
        "pydantic_core-2.50.5-cp312-cp312-win_amd64.whl",
        "typer-0.29.2-py3-none-any.whl",
    )
    steps = dev.plan("build", project, True, folder, {}, no_program, running=(3, 13))
    stop = steps[-1]
    assert stop.stop == 2 and not stop.command
    assert "holds wheels for Python 3.11, 3.12 (windows), not for Python 3.13" in stop.say
    assert "--platform windows --python 3.13" in stop.say and "3.11 to 3.14" in stop.say
    assert not [command for command in commands(steps) if "install" in command]
    assert dev.run_steps(steps, project, dry_run=False) == 2
    # A wheelhouse for it passes.
    wheel_files(folder, "pydantic_core-2.50.5-cp313-cp313-win_amd64.whl")
    assert dev.wheelhouse_problem(folder, (3, 13), windows=True) is None
    assert "not for Python 3.13 on Linux" in (dev.wheelhouse_problem(folder, (3, 13), windows=False) or "")


def test_a_venv_of_a_python_the_wheelhouse_lacks_is_made_again_with_one_it_has(project: Path) -> None:
    fake_venv(project, "3.13.1", stamp=True)
    with (project / "constraints.txt").open("a", encoding="utf-8") as file:
        file.write("rich==99.0\n")  # the locked versions changed: an install is due
    folder = wheel_files(project / "wheelhouse", "lxml-6.1.3-cp312-cp312-manylinux_2_28_x86_64.whl")
    steps = dev.plan("build", project, False, folder, {}, no_program, running=(3, 12), machine="x86_64")
    assert steps[0].say.startswith("removing .venv: its Python 3.13 has no wheels in")
    create, install, *_ = commands(steps)
    assert create[1:3] == ["-m", "venv"] and install[-5:-2] == ["--no-index", "--find-links", str(folder)]
    assert dev.venv_python(project / ".venv") == (3, 13)


def test_a_failed_install_says_what_to_make_of_it_and_leaves_no_stamp(project: Path) -> None:
    fake_venv(project, "3.14.0", stamp=False)
    steps = dev.plan("build", project, False, None, {}, no_program, running=(3, 14), machine="x86_64")
    locked, own = [step for step in steps if "install" in step.command]
    for install in (locked, own):
        assert "the next run makes .venv afresh" in install.on_failure
    assert "ResolutionImpossible" in locked.on_failure and "DO NOT MATCH THE HASHES" in locked.on_failure
    # The stamp is cleared before pip runs and written after it: pip failing in between leaves no stamp.
    says = [step.say for step in steps]
    assert says.index(f"clearing .venv/{dev.STAMP} for the install") < says.index(locked.say)
    assert says.index(own.say) < says.index(f"recording the install in .venv/{dev.STAMP} (runtime)")


def test_a_wheelhouse_with_a_checksum_list_is_verified_before_the_install(project: Path) -> None:
    folder = wheel_files(project / "wheelhouse", "typer-0.29.2-py3-none-any.whl")
    unchecked = dev.plan("build", project, True, folder, {}, no_program)
    assert any("has no checksum list" in step.say and not step.command for step in unchecked)
    wheelhouse.write_checksums(folder)
    verify, install = [command for command in commands(dev.plan("build", project, True, folder, {}, no_program))][1:3]
    assert verify == [sys.executable, str(ROOT / "scripts" / "verify_wheelhouse.py"), str(folder)]
    assert "--no-index" in install


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


def test_the_wheelhouse_covers_python_3_11_to_3_14() -> None:
    assert wheelhouse.PYTHONS == ("3.11", "3.12", "3.13", "3.14")
    refused = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "wheelhouse.py"), "--python", "3.10", "-o", os.devnull],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "invalid choice: '3.10'" in refused.stderr


def test_the_checksum_list_finds_what_the_gateway_changed(tmp_path: Path) -> None:
    folder = wheel_files(tmp_path / "wheelhouse", "a-1.0-py3-none-any.whl", "b-1.0-py3-none-any.whl")
    listed = wheelhouse.write_checksums(folder)
    assert listed.name == "SHA256SUMS" and (folder / "verify.py").is_file()
    assert (
        listed.read_text(encoding="utf-8").splitlines()[0]
        == f"{wheelhouse.sha256(folder / 'a-1.0-py3-none-any.whl')}  a-1.0-py3-none-any.whl"
    )

    def verify() -> subprocess.CompletedProcess[str]:
        # As inside LGWAN: the copy in the wheelhouse, run with no argument, checks its own folder.
        return subprocess.run([sys.executable, str(folder / "verify.py")], capture_output=True, text=True)

    assert verify().returncode == 0 and "every wheel is as it was made (2 files)" in verify().stdout
    # Inside LGWAN it speaks Japanese, as bpr does.
    japanese = {name: value for name, value in os.environ.items() if name != "BPR_LANG"}
    checked = subprocess.run([sys.executable, str(folder / "verify.py")], env=japanese, capture_output=True, text=True)
    assert "すべての wheel が作ったときのままです（2 ファイル）" in checked.stdout
    if shutil.which("sha256sum"):
        assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder).returncode == 0
    with (folder / "a-1.0-py3-none-any.whl").open("ab") as file:
        file.write(b"\0")  # a gateway that rewrote the file
    (folder / "b-1.0-py3-none-any.whl").unlink()
    wheel_files(folder, "c-1.0-py3-none-any.whl")  # a wheel left from another download
    failed = verify()
    assert failed.returncode == 1
    assert "a-1.0-py3-none-any.whl: changed" in failed.stderr
    assert "b-1.0-py3-none-any.whl: missing" in failed.stderr
    assert "c-1.0-py3-none-any.whl: not in SHA256SUMS" in failed.stderr
    listed.unlink()
    assert verify().returncode == 2


@pytest.mark.parametrize(
    ("platform", "python"),
    [("windows", "3.13"), ("windows", "3.14"), ("linux", "3.13"), ("linux", "3.14")],
)
def test_a_wheelhouse_for_python_3_13_and_3_14_resolves_offline(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, platform: str, python: str
) -> None:
    # Made as docs/offline.md says (one run, both systems, both Pythons), then resolved by pip from the folder
    # alone for each system and Python, with the tags that system accepts; the markers pip does not evaluate
    # for another system (colorama on Windows) are checked by the script's own reading of them.
    folder = made_wheelhouse(tmp_path_factory, ["windows", "linux"], ["3.13", "3.14"])
    target = wheelhouse.Target(platform, python)
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--target", str(tmp_path / "target")]
    command += ["--no-index", "--find-links", str(folder), "--only-binary=:all:", "--implementation", "cp"]
    command += ["--python-version", python, "--report", str(tmp_path / "report.json"), "--quiet"]
    for tag in target.tags:
        command += ["--platform", tag]
    resolved = subprocess.run([*command, "bpr-madoguchi"], env=offline_env(folder), capture_output=True, text=True)
    assert resolved.returncode == 0, resolved.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    names = {canonical(item["metadata"]["name"]) for item in report["install"]}
    assert {"bpr-madoguchi", "pydantic-core", "lxml", "ruamel-yaml-clib", "typer", "rich"} <= names
    wheels = [item["download_info"]["url"].rsplit("/", 1)[1] for item in report["install"]]
    compiled = [name for name in wheels if not name.endswith("-none-any.whl")]
    tag = f"cp{python.replace('.', '')}"
    assert compiled and all(f"-{tag}-" in name for name in compiled), compiled
    assert all(("win_amd64" in name) == (platform == "windows") for name in compiled), compiled
    assert wheelhouse.missed_requirements(folder, target, {}) == []
    assert subprocess.run([sys.executable, str(folder / "verify.py")], capture_output=True).returncode == 0


def test_bpr_installs_from_the_wheelhouse_with_no_index(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    folder = linux_wheelhouse(tmp_path_factory)
    names = {canonical(wheel.name.split("-")[0]) for wheel in folder.glob("*.whl")}
    assert {"bpr-madoguchi", "typer", "pydantic", "pydantic-core", "lxml", "ruamel-yaml-clib", "setuptools"} <= names
    (wheel,) = folder.glob("bpr_madoguchi-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        inside = archive.namelist()
    # The compiled catalog and the licence travel in the wheel; the catalog's sources stay in the sdist.
    assert "bpr/locale/ja/LC_MESSAGES/bpr.mo" in inside
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in inside)
    assert not [name for name in inside if name.endswith(".po") or "__pycache__" in name]
    # As docs/offline.md says: the folder checked against its checksum list, then installed from with nothing but
    # the folder: no index, no pip configuration.
    assert subprocess.run([sys.executable, str(folder / "verify.py")], capture_output=True).returncode == 0
    venv = dev.Venv(tmp_path / "venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv.root)], check=True)
    env = offline_env(folder, BPR_LANG="en", XDG_CACHE_HOME=str(tmp_path / "cache"))
    installed = subprocess.run(
        [str(venv.python), "-m", "pip", "install", "--no-index", "--find-links", str(folder), "bpr-madoguchi"],
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


def test_the_locks_hashes_are_those_of_the_wheels_the_registry_serves(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Every wheel scripts/wheelhouse.py downloaded at the versions of constraints.txt, for Windows and Linux on
    # Python 3.13 and 3.14, is one the locks name, with its version and its sha256.
    folder = made_wheelhouse(tmp_path_factory, ["windows", "linux"], ["3.13", "3.14"])
    hashes: dict[str, set[str]] = {}
    versions: dict[str, str] = {}
    for lock in ("requirements.lock", "requirements-dev.lock"):
        for name, (pinned, _, digests) in lock_entries(ROOT / lock).items():
            hashes.setdefault(name, set()).update(digests)
            versions[name] = pinned
    checked = set()
    for wheel in sorted(folder.glob("*.whl")):
        if wheel.name.startswith(wheelhouse.WHEEL_PREFIX):
            continue  # bpr's own, built from this checkout
        name, release = wheel.name.split("-")[:2]
        assert versions.get(canonical(name)) == release, wheel.name
        assert wheelhouse.sha256(wheel) in hashes[canonical(name)], f"{wheel.name}: its sha256 is not in the lock"
        checked.add(canonical(name))
    # The wheelhouse without --dev is the runtime lock: bpr's dependencies (colorama for Windows), setuptools, pip.
    assert checked == lock_entries(ROOT / "requirements.lock").keys()


def test_dev_py_build_installs_the_runtime_lock_offline_with_its_hashes(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The set-up of `py scripts\dev.py build` inside LGWAN, on a copy of the project: the wheelhouse checked,
    # requirements.lock installed from it alone in hash-checking mode, bpr editable with no dependency.
    if not dev.lock_covers(os.name == "nt", platform.machine(), sys.version_info[:2]):
        pytest.skip("the locks hold no wheel of this system")
    folder = linux_wheelhouse(tmp_path_factory)
    wheelhouse.copy_wheel_sources(tmp_path)
    for name in dev.INSTALLED_FROM:
        shutil.copy(ROOT / name, tmp_path / name)
    for name, value in offline_env(folder, XDG_CACHE_HOME=str(tmp_path / "cache")).items():
        monkeypatch.setenv(name, value)
    for name in [name for name in os.environ if name.startswith("PIP_") and name not in offline_env(folder)]:
        monkeypatch.delenv(name)
    steps = dev.plan("build", tmp_path, False, folder, os.environ, no_program)
    *setup, job = steps
    assert job.command[1:] == ["build", "inventories/", "-o", "out/"]
    assert dev.run_steps(setup, tmp_path, dry_run=False) == 0
    venv = dev.Venv(tmp_path / ".venv")
    assert (tmp_path / ".venv" / dev.STAMP).read_text(encoding="utf-8").split()[1] == "runtime"
    listed = subprocess.run(
        [str(venv.python), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True
    )
    names = {canonical(item["name"]) for item in json.loads(listed.stdout)}
    runtime = {name for name, (_, marker, _) in lock_entries(ROOT / "requirements.lock").items() if not marker}
    assert names == runtime | {"bpr-madoguchi"}
    assert Path(venv.program("bpr")).exists() and not Path(venv.program("pytest")).exists()
    # The size the README gives for it (measured with Python 3.11; other Pythons' wheels differ a little).
    size = sum(path.stat().st_size for path in (tmp_path / ".venv").rglob("*") if path.is_file()) / 1e6
    said = re.search(r"a `\.venv` of about (\d+) MB", " ".join(README.read_text(encoding="utf-8").split()))
    assert said and 0.75 < size / int(said[1]) < 1.25, f"{size:.0f} MB"


README = ROOT / "README.md"


def linux_packages(*locks: str) -> int:
    """Return how many distributions the locks install on Linux with this Python, bpr's own included."""
    from pip._vendor.packaging.markers import Marker

    here = wheelhouse.Target("linux", f"{sys.version_info[0]}.{sys.version_info[1]}").markers()
    return 1 + sum(
        not marker or Marker(marker).evaluate(here)
        for lock in locks
        for _, marker, _ in lock_entries(ROOT / lock).values()
    )


def test_the_readme_says_how_many_packages_build_and_test_install() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    runtime = linux_packages("requirements.lock")
    everything = linux_packages("requirements.lock", "requirements-dev.lock")
    assert f"(`requirements.lock`: {runtime} packages on Linux," in text
    assert f"{everything} packages in all" in text
    assert f"Linux で {runtime} パッケージ" in text and f"合わせて {everything} パッケージ" in text
