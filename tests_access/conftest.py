"""Say in the run's summary how many cases the access matrix checked (CI shows the figure)."""

CHECKED: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter):
    if CHECKED:
        terminalreporter.write_line(CHECKED["summary"])
