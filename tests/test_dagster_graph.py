"""A snapshot of the whole Dagster graph, as dagster-open-platform keeps one.

Every asset key with its upstream keys, every check, job, schedule and sensor:
a change to any of them shows in review as a change to the snapshot
(`tests/__snapshots__/test_dagster_graph.ambr`). After an intended change,
write it anew with `pytest tests/test_dagster_graph.py --snapshot-update`.
"""

from __future__ import annotations

from orchestration.definitions import defs


def graph_outline() -> dict[str, list[str]]:
    graph = defs.resolve_asset_graph()
    assets = [
        f"{key.to_user_string()} <- {', '.join(sorted(p.to_user_string() for p in graph.get(key).parent_keys)) or '(none)'}"
        for key in graph.get_all_asset_keys()
    ]
    checks = [f"{key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys]
    jobs = [
        f"{job.name}: {len(job.asset_layer.executable_asset_keys)} assets, tags {dict(sorted(job.tags.items()))}"
        for job in defs.resolve_all_job_defs()
        if not job.name.startswith("__")
    ]
    schedules = [
        f"{schedule.name}: {schedule.job_name} at {schedule.cron_schedule} {schedule.execution_timezone}"
        for schedule in map(defs.resolve_schedule_def, (s.name for s in defs.schedules or []))
    ]
    sensors = [
        f"{sensor.name}: {sensor.sensor_type.value} -> {', '.join(sorted(t.job_name for t in sensor.targets)) or '(no job)'}"
        for sensor in map(defs.resolve_sensor_def, (s.name for s in defs.sensors or []))
    ]
    return {
        "assets": sorted(assets),
        "checks": sorted(checks),
        "jobs": sorted(jobs),
        "schedules": sorted(schedules),
        "sensors": sorted(sensors),
    }


def test_the_dagster_graph_is_as_reviewed(snapshot):
    assert graph_outline() == snapshot
