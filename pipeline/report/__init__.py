"""Reports people look at (issue 8): the portfolio dashboard (``wws report``), the
per-dwelling puntentelling (``wws statement``) and what-if scenarios (``wws whatif``).

Everything here reads the DuckDB tables of ``output-contract.md``; the only table it adds
is ``scenarios`` (see :mod:`pipeline.report.scenarios`). ``docs/reports.md`` is the
user's guide; :func:`pipeline.report.cli.register` adds the three commands.
"""

from pipeline.report.dashboard import build_report, write_report
from pipeline.report.statement import write_statements
from pipeline.report.whatif import run_whatif

__all__ = ["build_report", "write_report", "write_statements", "run_whatif"]
