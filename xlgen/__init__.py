"""xlgen: generate, distribute and verify the 部门（单位）整体绩效自评表 workbook."""

__version__ = "0.1.0"
