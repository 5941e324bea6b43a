"""The GitHub Actions workflows the README and docs/ give the city: they install bpr from its repository,
pass zizmor, and pin what they run (issue 25, item 7)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bpr.inventory.yamlfile import parse_yaml

from conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHA = re.compile(r"[0-9a-f]{40}")
# A placeholder the city fills in: bpr has no release tag to name, and a tag could be moved anyway.
REF_PLACEHOLDER = "<commit>"


@dataclass(frozen=True)
class Workflow:
    """A workflow written in a document: where, its file name (its first line), its text and its data."""

    document: Path
    name: str
    text: str

    @property
    def data(self) -> dict:
        parsed: dict = parse_yaml(self.text).data
        return parsed

    def __str__(self) -> str:
        return f"{self.document.relative_to(ROOT)}: {self.name}"


def yaml_blocks(document: Path) -> list[str]:
    return re.findall(r"```ya?ml\n(.*?)```", document.read_text(encoding="utf-8"), re.S)


def documented_workflows() -> list[Workflow]:
    """Return every GitHub Actions workflow of the README and docs/, named by its `# .github/workflows/…` line."""
    found = []
    for document in DOCUMENTS:
        for block in yaml_blocks(document):
            header = re.match(r"# \.github/workflows/(\S+)\n", block)
            if header:
                found.append(Workflow(document, header[1], block[header.end() :]))
    return found


WORKFLOWS = documented_workflows()


def steps(workflow: Workflow) -> list[dict]:
    return [step for job in workflow.data["jobs"].values() for step in job["steps"]]


def test_every_workflow_of_the_docs_is_found() -> None:
    # A block that looks like a workflow but lacks the file-name line would escape every check here.
    for document in DOCUMENTS:
        for block in yaml_blocks(document):
            if re.search(r"^\s*runs-on:", block, re.M):
                assert block.startswith("# .github/workflows/"), f"{document.name}: a workflow without its file name"
    assert {(w.document.name, w.name) for w in WORKFLOWS} == {
        ("README.md", "inventory.yml"),
        ("README.md", "inventory-diff.yml"),
        ("diff.md", "inventory-diff.yml"),
    }


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=str)
def test_the_workflow_installs_bpr_madoguchi_from_bprs_repository_at_one_commit(workflow: Workflow) -> None:
    (install,) = [step["run"] for step in steps(workflow) if step.get("run", "").startswith("pip install")]
    # The inventory's repository has neither bpr's source nor its constraints.txt: both come from bpr's, and
    # the distribution is named, never `bpr` (another project's on the package index).
    assert install == (
        'pip install -c "$BPR_REPO/raw/$BPR_REF/constraints.txt" "bpr-madoguchi @ git+$BPR_REPO@$BPR_REF"'
    )
    ref = workflow.data["env"]["BPR_REF"]
    assert ref == REF_PLACEHOLDER or SHA.fullmatch(ref), f"{workflow}: BPR_REF {ref!r} is no commit"
    assert (ROOT / "constraints.txt").is_file()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=str)
def test_actions_are_pinned_by_commit_with_their_version_and_keep_no_credentials(workflow: Workflow) -> None:
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", workflow.text)
    assert uses
    for action, ref, comment in uses:
        assert SHA.fullmatch(ref), f"{workflow}: {action} is pinned by {ref!r}, not a commit"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{workflow}: {action} has no version comment"
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_one_action_is_pinned_to_one_commit_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for workflow in WORKFLOWS:
        for action, ref, comment in re.findall(r"uses: (\S+)@(\S+)\s+# (\S+)", workflow.text):
            pins.setdefault(action, set()).add(f"{ref} {comment}")
    assert pins and all(len(refs) == 1 for refs in pins.values()), pins


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=str)
def test_no_expression_is_expanded_inside_a_shell_and_permissions_are_per_job(workflow: Workflow) -> None:
    for step in steps(workflow):
        assert "${{" not in step.get("run", ""), f"{workflow}: {step['run']!r} expands an expression in the shell"
    assert workflow.data["permissions"] == {}
    for job in workflow.data["jobs"].values():
        assert job["permissions"], f"{workflow}: a job without the permissions it needs"


def test_the_validation_runs_once_per_pull_request_change() -> None:
    (workflow,) = [w for w in WORKFLOWS if w.name == "inventory.yml"]
    trigger = workflow.data["on"]
    # push to every branch as well as pull_request would run twice for each push to a pull request.
    assert set(trigger) == {"pull_request", "push"}
    assert trigger["push"] == {"branches": ["main"]}


def zizmor() -> str | None:
    """Return zizmor from this environment (the dependency group dev has it on Linux x86_64 and Windows), else PATH."""
    here = Path(sys.executable).parent / ("zizmor.exe" if sys.platform == "win32" else "zizmor")
    return str(here) if here.is_file() else shutil.which("zizmor")


@pytest.mark.skipif(zizmor() is None, reason="zizmor is not installed (pip install zizmor, or pip install --group dev)")
def test_zizmor_finds_nothing_in_the_documented_workflows(tmp_path: Path) -> None:
    files = []
    for number, workflow in enumerate(WORKFLOWS):
        folder = tmp_path / str(number) / ".github" / "workflows"
        folder.mkdir(parents=True)
        files.append(folder / workflow.name)
        files[-1].write_text(workflow.text, encoding="utf-8")
    program = zizmor()
    assert program is not None
    # Offline: the audits that ask GitHub (impostor commits, a SHA against its version comment) need a token.
    # The pedantic persona reports code smells too (permissions without a comment, unnamed jobs).
    audited = subprocess.run(
        [program, "--offline", "--persona=pedantic", "--format=json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(audited.stdout or "null")
    assert findings is not None, audited.stderr[-2000:]
    described = [
        f"{finding['ident']} ({finding['determinations']['severity']}): {finding['desc']}: "
        f"{finding['locations'][0]['concrete']['feature']!r}"
        for finding in findings
    ]
    assert (audited.returncode, described) == (0, []), audited.stderr[-2000:]
