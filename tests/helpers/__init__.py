"""Helpers of the tests: building, editing and reading workbooks (no tests here)."""
