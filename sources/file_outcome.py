"""What reading one file gave: the outcome every file gets, and its file-level findings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileFinding:
    rule_id: str
    value: str | None = None
    column_name: str | None = None
    detail_en: str | None = None
    detail_th: str | None = None


@dataclass
class FileLoad:
    """What reading one file gave: its identity, any file-level findings, rows read."""

    outcome: str  # 'parsed' | 'rejected'
    submitter: str | None = None
    kind: str | None = None
    period: str | None = None
    version: int | None = None
    rows_read: int = 0
    findings: list[FileFinding] = field(default_factory=list)

    @classmethod
    def rejected(cls, finding: FileFinding, **identity) -> FileLoad:
        return cls("rejected", findings=[finding], **identity)
