"""Taking files in: by content, archived, an outcome for every file, never half a file."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from sources.file_outcome import FileLoad
from sources.landing import SETTLED_SIGNATURE_NS, discover, sha256_of
from sources.reference import Reference
from sources.regional_reports.reader import RegionalReportReader

HEADER = "จังหวัด,รหัสโครงการ,กิจกรรม,ผู้ประกอบการ (ราย)\n"


def later() -> int:
    """A night that looks at the landing folder well after its files were last written."""
    return time.time_ns() + 2 * SETTLED_SIGNATURE_NS


def test_every_file_gets_an_outcome_and_the_landing_folder_is_untouched(place, examples_dir):
    shutil.copytree(examples_dir / "regional_reports", place.reports)
    before = {p: (p.stat().st_mtime_ns, sha256_of(p)) for p in place.reports.iterdir()}
    summary = place.run()
    assert summary.outcomes == {"parsed": 4, "rejected": 1}
    assert place.query("SELECT count(*) FROM raw.landed_files") == [(5,)]
    assert before == {p: (p.stat().st_mtime_ns, sha256_of(p)) for p in place.reports.iterdir()}
    for _path, (_, sha) in before.items():
        assert sha256_of(place.archive.path_for(sha)) == sha


def test_a_second_run_with_nothing_new_takes_nothing(place, examples_dir):
    shutil.copytree(examples_dir / "regional_reports", place.reports)
    place.run()
    rows_before = place.query("SELECT count(*) FROM raw.regional_rows")
    summary = place.run()
    assert summary.unchanged == 5 and not summary.outcomes
    assert place.query("SELECT count(*) FROM raw.regional_rows") == rows_before


def test_same_content_under_another_path_is_a_duplicate(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.write("copies/PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    summary = place.run()
    assert summary.outcomes == {"parsed": 1, "duplicate": 1}
    assert place.query("SELECT path, outcome FROM raw.landed_files ORDER BY file_seq") == [
        ("regional_reports/PIO51_result_2566-01.csv", "parsed"),
        ("regional_reports/copies/PIO51_result_2566-01.csv", "duplicate"),
    ]
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(1,)]


def test_a_report_renamed_to_fix_its_name_is_read_again(place):
    place.write("lamphun january.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.run()
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    summary = place.run()
    assert summary.outcomes == {"parsed": 1}


def test_a_copy_under_another_bad_name_is_judged_by_its_own_name(place):
    place.write("lamphun january.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.write("PIO51_result_2599-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")  # a month after the run: RF03
    place.write("x/lamphun january.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    summary = place.run()
    assert summary.outcomes == {"rejected": 3}
    assert place.query(
        "SELECT f.path, f.outcome, n.rule_id FROM raw.landed_files f JOIN raw.file_findings n USING (file_seq) ORDER BY file_seq"
    ) == [
        ("regional_reports/PIO51_result_2599-01.csv", "rejected", "RF03"),
        ("regional_reports/lamphun january.csv", "rejected", "RF02"),
        ("regional_reports/x/lamphun january.csv", "rejected", "RF02"),
    ]


def test_same_name_new_content_is_a_new_file(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.run()
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,2\n")
    place.run()
    assert place.query("SELECT file_seq, outcome FROM raw.landed_files ORDER BY file_seq") == [(1, "parsed"), (2, "parsed")]


def test_files_are_found_in_sub_folders_and_links_are_not_followed(place, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text(HEADER + "ลำพูน,OTOP,a,1\n", encoding="utf-8")
    place.write("2566/q2/PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    os.symlink(outside, place.reports / "PIO51_result_2566-02.csv")
    os.symlink(tmp_path, place.reports / "loop")
    found = [f.path for f in discover(place.landing, "regional_reports")]
    assert found == ["regional_reports/2566/q2/PIO51_result_2566-01.csv"]


def test_file_level_rejections_are_recorded_with_bilingual_detail(place):
    place.write("PIO51_result_2566-01.csv", "จังหวัด,กิจกรรม,ผู้ประกอบการ\nลำพูน,a,1\n")
    place.write("PIO51_result_2566-02.csv", HEADER)
    place.write("PIO51_result_2566-04.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.run()
    findings = place.query(
        """SELECT f.path, x.rule_id, x.column_name, x.detail_en IS NOT NULL AND x.detail_th IS NOT NULL
           FROM raw.file_findings x JOIN raw.landed_files f USING (file_seq) ORDER BY f.path"""
    )
    assert findings == [
        ("regional_reports/PIO51_result_2566-01.csv", "RF04", "program_code", True),
        ("regional_reports/PIO51_result_2566-02.csv", "RF05", None, True),
        ("regional_reports/PIO51_result_2566-04.csv", "RF03", None, True),
    ]


class ExplodingReader(RegionalReportReader):
    """Writes some rows, then fails as an unforeseen bug would."""

    def load(self, con, content, landed, file_seq, seen_at):
        super().load(con, content, landed, file_seq, seen_at)
        raise RuntimeError("bug in a reader")


def test_a_reader_bug_rejects_the_file_and_leaves_none_of_its_rows(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    summary = place.run(ExplodingReader(Reference.from_seeds()))
    assert summary.outcomes == {"rejected": 1}
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(0,)]
    assert place.query("SELECT rule_id FROM raw.file_findings") == [("RF01",)]


class DyingReader(RegionalReportReader):
    """The process dies half-way through a file (a crash, not an error)."""

    def load(self, con, content, landed, file_seq, seen_at):
        super().load(con, content, landed, file_seq, seen_at)
        raise KeyboardInterrupt


def test_a_crash_mid_file_leaves_nothing_and_the_next_run_takes_the_file(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    with pytest.raises(KeyboardInterrupt):
        place.run(DyingReader(Reference.from_seeds()))
    assert place.query("SELECT count(*) FROM raw.landed_files") == [(0,)]
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(0,)]
    summary = place.run()
    assert summary.outcomes == {"parsed": 1}
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(1,)]


def test_a_night_reads_only_the_files_new_or_changed_since_it_last_looked(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.write("PIO51_result_2566-02.csv", HEADER + "ลำพูน,OTOP,a,2\n")
    assert place.run(clock=later).hashed == 2
    summary = place.run(clock=later)
    assert (summary.hashed, summary.unchanged, summary.outcomes) == (0, 2, {})
    place.write("PIO51_result_2566-03.csv", HEADER + "ลำพูน,OTOP,a,3\n")
    summary = place.run(clock=later)
    assert (summary.hashed, summary.unchanged, summary.outcomes) == (1, 2, {"parsed": 1})


def test_a_file_rewritten_with_its_old_size_and_time_is_read_again(place):
    path = place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    place.run(clock=later)
    before = path.stat()
    path.write_bytes((HEADER + "ลำพูน,OTOP,a,2\n").encode("utf-8"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a careless copy tool would
    assert (path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    summary = place.run(clock=later)
    assert (summary.hashed, summary.outcomes) == (1, {"parsed": 1})
    assert place.query("SELECT count(DISTINCT file_sha256) FROM raw.landed_files") == [(2,)]


def test_a_file_changed_moments_before_the_look_is_hashed_again_at_the_next(place):
    path = place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")

    def just_after_the_change() -> int:
        return path.stat().st_ctime_ns + 1

    assert place.run(clock=just_after_the_change).hashed == 1
    assert place.run(clock=just_after_the_change).hashed == 1  # not remembered: a write in the same tick would not show
    assert place.run(clock=later).hashed == 1
    assert place.run(clock=later).hashed == 0


def test_a_file_gone_or_replaced_is_forgotten(place):
    kept = place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    gone = place.write("PIO51_result_2566-02.csv", HEADER + "ลำพูน,OTOP,a,2\n")
    place.run(clock=later)
    gone.unlink()
    os.replace(place.write("next.tmp", HEADER + "ลำพูน,OTOP,a,9\n"), kept)  # another file, another inode
    summary = place.run(clock=later)
    assert (summary.hashed, summary.outcomes) == (1, {"parsed": 1})
    assert place.query("SELECT path, file_sha256 FROM intake.landing_hashes") == [
        ("regional_reports/PIO51_result_2566-01.csv", sha256_of(kept))
    ]


def test_a_crash_after_the_night_hashed_its_files_loses_none(place):
    place.write("PIO51_result_2566-01.csv", HEADER + "ลำพูน,OTOP,a,1\n")
    with pytest.raises(KeyboardInterrupt):
        place.run(DyingReader(Reference.from_seeds()), clock=later)
    summary = place.run(clock=later)
    assert (summary.hashed, summary.outcomes) == (0, {"parsed": 1})  # the remembered hash, and the file taken in
    assert place.query("SELECT count(*) FROM raw.regional_rows") == [(1,)]


def test_file_load_rejected_carries_identity():
    from sources.file_outcome import FileFinding

    load = FileLoad.rejected(FileFinding("RF05"), submitter="PIO51", kind="result", period="2566-01", version=1)
    assert (load.outcome, load.submitter, load.findings[0].rule_id) == ("rejected", "PIO51", "RF05")
