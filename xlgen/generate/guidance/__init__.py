"""The guidance a workbook gives the person filling it, with no macro: dropdowns (lists), input
rules (validation), protection, highlights (conditional), print setup and the 填表说明 sheet (guide)."""
