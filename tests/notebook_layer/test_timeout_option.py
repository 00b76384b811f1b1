"""``%%runic --timeout`` takes a finite number of seconds above 0: anything else is a
UsageError that names the option and the range, on every backend — never a raw
OverflowError, a thread traceback or "ran past its timeout of nan s"."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

pytestmark = [pytest.mark.integration]


class Borrowed:
    """The test's driver, lent to the notebook registry (which must not close it)."""

    def __init__(self, driver):
        self._driver = driver

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def close(self):
        pass


@pytest.fixture
def shell(driver):
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "runic")
    registry.connect(driver=Borrowed(driver), alias="t")
    yield ip
    registry.close_all()
    ip.run_line_magic("unload_ext", "runic")


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0"])
def test_timeout_option_that_is_not_finite_seconds_above_zero_is_a_usage_error(shell, value):
    with pytest.raises(UsageError) as err:
        shell.run_cell_magic("runic", f"--timeout {value}", "RETURN 1 AS one")
    text = str(err.value)
    assert "--timeout" in text and "finite number of seconds greater than 0" in text
    assert "Overflow" not in text and "Traceback" not in text
    assert shell.run_cell_magic("runic", "--timeout 5", "RETURN 1 AS one").value() == 1
