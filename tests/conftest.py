"""Shared fixtures: the contract's examples, and helpers to build landing folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

SEEN_AT = datetime(2023, 3, 15, 2, 0, tzinfo=UTC)  # run month 2566-03 for the intake tests
REPO = Path(__file__).resolve().parents[1]
# CI clones the repository with shared/ beside it; a developer's checkout has the same shape.
CONTRACT_DIR = Path(os.environ.get("DIPROM_CONTRACT_DIR", REPO.parent / "shared" / "contract"))
EXAMPLES_DIR = CONTRACT_DIR / "examples"
DAGSTER = str(Path(sys.executable).parent / "dagster")


# Test modules that share a session-scoped scenario, by scenario. With pytest-xdist
# each worker builds the session fixtures it needs, so modules sharing one must go
# to the same worker. (xdist's own `--dist loadgroup` marks do not group under
# pytest 9: the node ids it rewrites are not the ones reported.)
SCENARIOS = {
    "examples": [
        "test_examples_cli.py",
        "test_quality_gate.py",
        "test_crash_recovery.py",
        "test_check_examples.py",
        "test_private_files.py",
    ],
    "two_nights": ["test_rules_through_dagster.py", "test_rebuild.py", "test_archive_encryption.py"],
    "sample": [
        "test_sample_figures.py",
        "test_dashboard.py",
        "test_example_queries.py",
        "test_sample.py",
        "test_check_sample.py",
        "test_sample_exports.py",
    ],
}
SCENARIO_OF_MODULE = {f"tests/{module}": scenario for scenario, modules in SCENARIOS.items() for module in modules}
# The longest units first, so that no scenario starts last on a worker left alone.
LONGEST_FIRST = [
    "examples", "two_nights", "sample", "tests/test_run_monitoring.py", "tests/test_benchmark_smoke.py", "tests/test_hostile_run.py",
    "tests/test_dbt_unit_tests.py",  # the long pole of the fast set
]  # fmt: skip


def _unit(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return SCENARIO_OF_MODULE.get(module, module)


def pytest_collection_modifyitems(items):
    rank = {unit: i for i, unit in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_unit(item.nodeid), len(rank)))  # stable: file order within a unit


def pytest_xdist_make_scheduler(config, log):
    """Whole scenarios, and each other module whole, as the units xdist hands out,
    in the order collected (above), not by their number of tests."""
    from xdist.scheduler import LoadScopeScheduling

    class ScenarioScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    config.option.loadscopereorder = False
    return ScenarioScheduling(config, log)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"the contract's examples are missing at {EXAMPLES_DIR}; set DIPROM_CONTRACT_DIR")
    return EXAMPLES_DIR


def materialize_nightly_load(landing_dir: Path, warehouse_dir: Path, with_gx_checks: bool = True):
    """The whole nightly load, in process, through Dagster and a real dbt build.

    Tests of the row rules may leave out the GX checks (a minute and a half on
    these machines); tests/test_quality_gate.py and the CLI runs keep them."""
    import dagster as dg

    from orchestration.assets.dbt import DBT_EXECUTABLE, dbt_project
    from orchestration.definitions import defs
    from orchestration.resources import WarehouseDbtCliResource, WarehouseResource

    result = dg.materialize(
        [*defs.assets, *defs.asset_checks],
        selection=dg.AssetSelection.all() if with_gx_checks else dg.AssetSelection.all().without_checks(),
        resources={
            "warehouse": WarehouseResource(landing_dir=str(landing_dir), warehouse_dir=str(warehouse_dir)),
            "dbt": WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
        },
        raise_on_error=False,
    )
    return result


def query(db: Path, sql: str, params=None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def run_nightly_load_cli(
    landing: Path, warehouse: Path, dagster_home: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {
        **os.environ,
        "LANDING_DIR": str(landing),
        "WAREHOUSE_DIR": str(warehouse),
        "DAGSTER_HOME": str(dagster_home),
        **(extra_env or {}),
    }
    return subprocess.run(
        [DAGSTER, "job", "execute", "-m", "orchestration", "-j", "nightly_load"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def render_in_chromium(page: Path, profile: Path, height: int = 1600, fragment: str = "") -> tuple[Path, str]:
    """A headless Debian Chromium's screenshot of `page` (PNG beside the profile) and its DOM,
    after its scripts ran (up to 15 s of page time)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", f"--window-size=1280,{height}", "--virtual-time-budget=15000",
    ]  # fmt: skip
    url = page.as_uri() + fragment
    shot = profile.with_name(profile.name + ".png")
    subprocess.run([chromium, *flags, f"--screenshot={shot}", url], check=True, capture_output=True, timeout=120)
    dom = subprocess.run([chromium, *flags, "--dump-dom", url], check=True, capture_output=True, text=True, timeout=120).stdout
    return shot, dom


def requests_of_page(page: Path, profile: Path, fragment: str = "") -> list[str]:
    """The URLs `page` itself asked the network for in a headless Chromium, from its net log.
    Chromium's own background requests carry no page origin ("not an origin") and are left out."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Chromium is not installed (.ci/run installs Debian's chromium)")
    log = profile.with_name(profile.name + ".netlog.json")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
         f"--log-net-log={log}", "--virtual-time-budget=15000", "--dump-dom", page.as_uri() + fragment],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    net_log = json.loads(log.read_text(encoding="utf-8"))
    start = net_log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in net_log["events"]
        if event["type"] == start and "url" in event.get("params", {}) and event["params"].get("initiator") != "not an origin"
    ]


def assert_not_blank(shot: Path) -> None:
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    non_white = sum(count for count, rgb in colours if rgb != (255, 255, 255))
    assert len(colours) > 50 and non_white > 0.02 * image.width * image.height, "the screenshot is blank"
    fonts = subprocess.run(["fc-list", ":lang=th"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no font with Thai glyphs: the page would show empty boxes"


def snapshot(db: Path) -> dict[str, list[tuple]]:
    tables = query(db, "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL")
    return {f"{s}.{t}": query(db, f'SELECT * FROM "{s}"."{t}" ORDER BY ALL') for s, t in tables}


@pytest.fixture(scope="session")
def examples_runs(tmp_path_factory, examples_dir):
    """The contract's examples through the real CLI, every Python process audited
    for network use (tests/network_audit.py, events in the folder above the
    warehouse); then a second night with nothing new, in process and without the
    GX checks (they only read): (analytics.duckdb, its tables after the first
    night, after the second). Shared by the end-to-end tests. Both nights start
    with the umask 000, the loosest anyone could start them with (tests/test_private_files.py)."""
    from tests.network_audit import audited_environment

    root = tmp_path_factory.mktemp("examples")
    landing = root / "landing"
    shutil.copytree(examples_dir, landing)
    analytics = root / "warehouse" / "analytics.duckdb"
    with loosest_umask():
        first = run_nightly_load_cli(landing, root / "warehouse", root / "dagster_home", audited_environment(root))
    (root / "cli_output.txt").write_text(first.stdout + first.stderr, encoding="utf-8")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    after_first = snapshot(analytics)
    with loosest_umask():
        assert materialize_nightly_load(landing, root / "warehouse", with_gx_checks=False).success
    return analytics, after_first, snapshot(analytics)


@contextmanager
def loosest_umask():
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture(scope="session")
def two_nights(tmp_path_factory):
    """tests/two_nights.py's scenario, for the rule tests and the rebuild (xdist group "two_nights")."""
    from tests.two_nights import build_two_nights

    return build_two_nights(tmp_path_factory.mktemp("two_nights"))


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory):
    """The bundled sample (sample/generate.py), generated once: (its folder, (files, records))."""
    from sample.generate import generate

    folder = tmp_path_factory.mktemp("sample") / "landing"
    return folder, generate(folder)


@pytest.fixture(scope="session")
def sample_run(sample_landing):
    """The bundled sample through the whole nightly load, GX included:
    (analytics.duckdb, Dagster's result)."""
    landing, _ = sample_landing
    result = materialize_nightly_load(landing, landing.parent / "warehouse")
    return landing.parent / "warehouse" / "analytics.duckdb", result


@pytest.fixture
def place(tmp_path):
    """A landing folder and a warehouse for the intake alone (no dbt), run at SEEN_AT."""
    import duckdb

    from sources.intake import take_in
    from sources.landing import Archive
    from sources.limits import IntakeLimits
    from sources.reference import Reference
    from sources.regional_reports.reader import RegionalReportReader

    class Place:
        landing = tmp_path / "landing"
        reports = tmp_path / "landing" / "regional_reports"
        archive = Archive(tmp_path / "warehouse" / "archive")
        db = tmp_path / "warehouse" / "warehouse.duckdb"

        def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
            path = self.reports / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode(encoding))
            return path

        def run(self, reader=None, seen_at=SEEN_AT, limits=IntakeLimits(landing_settle_seconds=0), clock=time.time_ns):
            self.db.parent.mkdir(parents=True, exist_ok=True)
            reader = reader or RegionalReportReader(Reference.from_seeds())
            with duckdb.connect(str(self.db)) as con:
                return take_in(con, self.landing, self.archive, reader, "test", seen_at, lambda _: None, limits, clock)

        def query(self, sql: str):
            with duckdb.connect(str(self.db), read_only=True) as con:
                return con.execute(sql).fetchall()

    return Place()
