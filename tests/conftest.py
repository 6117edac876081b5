"""Fixtures: a scratch copy of the default project, and real builds shared by the whole run; and the
hook that keeps each ``xdist_group`` on one xdist worker.

Helpers that tests import live in tests/helpers/; this file holds fixtures and that one hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.helpers.project import IN_CLI_RUN, build_ok, copy_project
from tests.helpers.shared import SHARED_DAY, shared_folder

# Bytecode caches are written, whatever the environment says (PYTHONDONTWRITEBYTECODE is set on some
# machines, this one and CI's included): the run starts two xdist workers and many `python -m leaflets`
# processes, and without caches each compiled the package and rewrote the test modules' asserts again.
# In a clean clone: 4:11 with it set, 3:45 without (docs/benchmarks.md, "The test suite").
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

#: the modules whose tests take longest (docs/benchmarks.md, "The test suite"), run first so that the
#: last minutes are many short tests shared by both workers, not one long module on one worker alone
LONGEST_FIRST = (
    "tests/commands/test_kill.py", "tests/commands/test_incremental.py", "tests/render/test_room.py",
    "tests/desk/test_desk_browser.py", "tests/publish/test_browser.py", "tests/preview/test_serve.py",
    "tests/render/test_hardening.py", "tests/gate/test_gate.py", "tests/render/test_fast_path.py",
    "tests/project/test_content.py", "tests/commands/test_reliability.py", "tests/render/test_hostile_text.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest modules first, each kept whole (its module fixtures are set up once); every xdist
    worker collects the same order.

    ``--dist loadgroup`` sends the tests of one ``xdist_group`` to one worker by the ``@group`` its
    worker adds to each test's id. pytest-xdist 3.8 adds it to ``item._nodeid``, which pytest 9.2 no
    longer reads (a node's id is ``item._id``): every group was split between the workers, and each
    worker set up the group's module fixture (a desk, a server, a browser, a build) again. Added
    here where xdist's own did not take."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
    if not getattr(config.option, "loadgroup", False):  # set in an xdist worker under --dist loadgroup
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)


@pytest.fixture(scope="session", autouse=True)
def warm_build_pool():
    """Builds run through the CLI in this process (``tests.helpers.project.run``) that ask for one
    worker or leave the number to the default, with the default time limit, render in one worker pool
    kept warm for this pytest process, as ``leaflets serve`` keeps its own (``commands.build.run``'s
    ``pool``): a test build no longer forks fresh workers that each load the fonts again. A build that
    asks for more workers or another time limit, one whose ``WorkerPool`` a test replaced
    (tests/project/test_bad_inputs.py), a call of ``commands.build.run`` in a test and a build in a
    subprocess start their own pool as before."""
    from leaflets.commands import build as build_module
    from leaflets.render.workers import DEFAULT_TIMEOUT_SECONDS, WorkerPool

    real_run = build_module.run
    kept: list[WorkerPool] = []

    def run(request, progress=None, say=None, pool=None):
        if (IN_CLI_RUN[0] and pool is None and request.jobs in (None, 1)
                and request.timeout == DEFAULT_TIMEOUT_SECONDS and build_module.WorkerPool is WorkerPool):
            if not kept:
                kept.append(WorkerPool(1))
            pool = kept[0]
        return real_run(request, progress, say, pool)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "run", run)
        yield
    for pool in kept:
        pool.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the default project that a test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> tuple[Path, dict]:
    """Every default English variant, built once for the whole run (for ``SHARED_DAY``) and shared by
    the xdist workers: (out folder, manifest). Tests only read it. The shipped translations of milia
    are in ``translated_build``."""
    # Two workers of its own (not the warm pool's one): the other xdist worker may be waiting for it.
    out = shared_folder(tmp_path_factory, "default-build", lambda folder: build_ok(
        folder, "--lang", "en-GB", "--jobs", "2", "--today", SHARED_DAY))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outputs"], "the default build lists no outputs"
    return out, manifest


@pytest.fixture(scope="session")
def translated_build(tmp_path_factory) -> Path:
    """The shipped translations of milia (Polish and Urdu) at Stoke-on-Trent, in every format they are
    built in (A4, A5 with its booklet, DL, large print, web page), built once for the whole run
    and shared by the xdist workers: the branch's folder. Tests only read it; its English is in
    ``default_build``."""
    out = shared_folder(tmp_path_factory, "translated-milia", lambda folder: build_ok(
        folder, "milia", "--branch", "stoke-on-trent", "--lang", "pl", "--lang", "ur", "--today", SHARED_DAY))
    assert sorted(p.name for p in (out / "stoke-on-trent").glob("milia-a4.*.pdf")) == ["milia-a4.pl.pdf",
                                                                                      "milia-a4.ur.pdf"]
    return out / "stoke-on-trent"
