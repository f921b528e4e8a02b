"""Files a park manager takes away: the Excel template to fill in, and a scenario's
results as CSV and Excel tables that are safe to open in a spreadsheet.

No Dash here: the app and the command line both call these functions.
"""

from .tables import (
    COMPARE_COLUMNS,
    TABLE_COLUMNS,
    about_rows,
    compare_tables,
    neutralise,
    scenario_tables,
    to_csv,
    to_csv_zip,
    to_xlsx,
)
from .template import template_workbook, write_template

__all__ = [
    "TABLE_COLUMNS", "COMPARE_COLUMNS", "compare_tables", "about_rows", "neutralise", "scenario_tables", "to_csv", "to_csv_zip", "to_xlsx",
    "template_workbook", "write_template",
]
