"""What one nightly load did, in numbers and in lines a person reads on the CLI."""

from pathlib import Path

from warehouse import duckdb_settings
from warehouse.duckdb_encryption import warehouse_encryption_line

MART_ROWS = "rows/marts."  # summary key prefix: rows of each table in the marts schema
NEW_FINDINGS = "findings/"  # summary key prefix: findings on this run's files, by rule

_FILES_OF_RUN = """
    with this_run as (
        select file_sha256, path from raw.landed_files where run_id = ?
    ),
    files as (
        select f.* from quality.files as f join this_run using (file_sha256, path)
    ),
    -- versions from earlier runs that this run's files replaced
    replaced as (
        select count(*) as n from quality.files as old
        anti join this_run using (file_sha256, path)
        where old.status = 'superseded' and exists (
            select 1 from files as new
            where new.status = 'loaded' and new.source = 'regional_reports'
              and (new.submitter, new.kind, new.period) = (old.submitter, old.kind, old.period))
    )
    select
        count(*) as files_new,
        count(*) filter (where status = 'loaded') as files_loaded,
        count(*) filter (where status = 'superseded') as files_superseded,
        count(*) filter (where status = 'duplicate') as files_duplicate,
        count(*) filter (where status = 'rejected') as files_rejected,
        (select n from replaced) as earlier_versions_replaced,
        coalesce(sum(rows_accepted), 0) as rows_accepted,
        coalesce(sum(rows_quarantined), 0) as rows_quarantined
    from files
"""


def summarize_run(warehouse_db: Path, run_id: str) -> dict[str, int]:
    """Counts of the files this run took in, and the rows of every mart after it."""
    with duckdb_settings.connect(warehouse_db, read_only=True) as con:
        cursor = con.execute(_FILES_OF_RUN, [run_id])
        names = [d[0] for d in cursor.description]
        summary = {name: int(value) for name, value in zip(names, cursor.fetchall()[0], strict=True)}
        findings = con.execute(
            """select f.rule_id, count(*) from quality.findings as f
               join raw.landed_files as l using (file_sha256, path)
               where l.run_id = ? group by all order by 1""",
            [run_id],
        ).fetchall()
        summary.update({f"{NEW_FINDINGS}{rule}": int(n) for rule, n in findings})
        marts = [
            name for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        ]
        for mart in marts:
            summary[f"{MART_ROWS}{mart}"] = con.execute(f'select count(*) from marts."{mart}"').fetchall()[0][0]
    return summary


def _new_findings(summary: dict[str, int]) -> str:
    return ", ".join(f"{key.removeprefix(NEW_FINDINGS)} {n}" for key, n in summary.items() if key.startswith(NEW_FINDINGS))


def summary_lines(summary: dict[str, int], step_seconds: dict[str, float]) -> list[str]:
    """One fact per line, `key: value`, so that operators can grep a night's log."""
    lines = [
        f"files new: {summary['files_new']} (loaded {summary['files_loaded']}, superseded {summary['files_superseded']}, "
        f"duplicate {summary['files_duplicate']}, rejected {summary['files_rejected']}); "
        f"versions from earlier runs replaced: {summary['earlier_versions_replaced']}",
        f"files still being written, left for the next run: {summary.get('files_still_arriving', 0)}",
        f"rows accepted: {summary['rows_accepted']}, quarantined: {summary['rows_quarantined']}",
        f"new findings: {_new_findings(summary) or 'none'}",
        *(f"mart {key.removeprefix(MART_ROWS)}: {rows} rows" for key, rows in summary.items() if key.startswith(MART_ROWS)),
        *(f"step {step}: {seconds:.1f} s" for step, seconds in step_seconds.items()),
    ]
    return [f"run summary | {line}" for line in lines]


def protection_lines(tightened: int, archive_key_id: str | None) -> list[str]:
    """How the night's personal data is protected at rest (docs/security.md)."""
    lines = []
    if tightened:
        lines.append(
            f"ปิดสิทธิ์ {tightened} รายการให้อ่านได้เฉพาะบัญชีของคลัง · tightened {tightened} paths to owner-only "
            "(left open by an earlier version or a loose umask)"
        )
    if archive_key_id:
        lines.append(f"คลังสำเนาเข้ารหัส AES-256-GCM (คีย์ {archive_key_id}) · archive encrypted with AES-256-GCM (key id {archive_key_id})")
    else:
        lines.append(
            "คลังสำเนาไม่ได้เข้ารหัส (ไม่ได้ตั้ง DIPROM_ARCHIVE_KEY_FILE) · archive not encrypted (no DIPROM_ARCHIVE_KEY_FILE or DIPROM_ARCHIVE_KEY)"
        )
    lines.append(warehouse_encryption_line())
    return [f"run summary | {line}" for line in lines]
