"""Small helpers shared by the notebook-layer tests."""

from __future__ import annotations


def cell(ip, line: str, body: str):
    """Run a %%runic cell and return its result (errors propagate as UsageError)."""
    return ip.run_cell_magic("runic", line, body)


def run_cell_capturing(ip, source: str, capsys):
    """Run a notebook cell as the kernel does; return (ExecutionResult, stdout+stderr)."""
    result = ip.run_cell(source)
    out = capsys.readouterr()
    return result, out.out + out.err
