"""Per-tenant usage, cost and gross margin from Twilio Usage Records (`tenantctl usage`)."""
from .periods import Period, PeriodError, parse_period
from .report import DEFAULT_CATEGORIES, Line, Report, ReportError, build_report

__all__ = ["DEFAULT_CATEGORIES", "Line", "Period", "PeriodError", "Report", "ReportError", "build_report",
           "parse_period"]
