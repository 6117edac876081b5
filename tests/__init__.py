"""The test suite, laid out as the package (see tests/helpers/ for what tests share)."""
