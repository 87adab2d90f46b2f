"""xlgen's tests (a package: helpers import as tests.helpers.*)."""
