"""The reader of every source the warehouse takes in, in the order a run reads them."""

from sources.intake import SourceReader
from sources.isingleform.reader import ISingleFormReader
from sources.reference import Reference
from sources.regional_reports.reader import RegionalReportReader


def all_readers() -> list[SourceReader]:
    return [RegionalReportReader(Reference.from_seeds()), ISingleFormReader()]
