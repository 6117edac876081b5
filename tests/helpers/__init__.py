"""What tests share: the project and the CLI (project), PDF readers (pdf), Chromium (browser),
approvals (governance), the output folder (outputs) and builds shared between workers (shared).

Test modules import these, never each other; conftest.py holds only fixtures."""
