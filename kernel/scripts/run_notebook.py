"""Executes a notebook through a Jupyter kernel and stops at the first failing cell (used by ./t2j run).

kernel/scripts/demo.py (./t2j demo) imports execute(), error_name_and_value() and traceback_text() from here."""
import argparse
import math
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def execute(nb, notebook_path, kernel, timeout=None, startup_timeout=60):
    """Runs the code cells of nb in order, in place, until one fails.

    Returns None when all ran, else (index, cell, error) of the failing cell (index counts all cells from 0)."""
    # Cells run with the notebook's folder as working directory, as in the browser.
    here = os.path.dirname(os.path.abspath(notebook_path))
    timeout = None if timeout is None else max(1, math.ceil(timeout))  # nbclient wants whole seconds
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, startup_timeout=startup_timeout,
                            interrupt_on_timeout=True, allow_errors=False, resources={"metadata": {"path": here}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as error:
                return index, cell, error
    return None


def error_name_and_value(error):
    """The kernel's ename and evalue of a failed cell (a timeout's type and message)."""
    return getattr(error, "ename", type(error).__name__), getattr(error, "evalue", str(error))


def describe(failure):
    """'cell N (In [k]) failed: ename: evalue' for a failure returned by execute()."""
    index, cell, error = failure
    ename, evalue = error_name_and_value(error)
    return "cell %d (In [%s]) failed: %s: %s" % (index + 1, cell.get("execution_count") or " ", ename, evalue)


def traceback_text(cell):
    """The cell's error tracebacks without terminal colours."""
    return "\n".join(ANSI.sub("", "\n".join(output.get("traceback", [])))
                     for output in cell.get("outputs", []) if output.get("output_type") == "error")


def default_output(notebook):
    """out/run/NAME.ipynb under the t2j folder: beside ./t2j demo's out/, never over the notebook itself."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "out", "run", os.path.basename(notebook))


def main():
    # ./t2j run prints the user's help itself; --kernel is the launcher's, not the user's.
    parser = argparse.ArgumentParser(prog="./t2j run")
    parser.add_argument("notebook")
    parser.add_argument("--kernel", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--output", help="write the executed notebook here (also on failure)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per cell; interrupts the cell")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    failure = execute(nb, args.notebook, args.kernel, args.timeout)
    output = args.output or default_output(args.notebook)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    nbformat.write(nb, output)
    if failure is None:
        print("t2j run: %s: all %d code cells ran; executed notebook: %s"
              % (args.notebook, sum(c.cell_type == "code" for c in nb.cells), output))
        return 0
    print("t2j run: %s: %s; executed notebook: %s" % (args.notebook, describe(failure), output), file=sys.stderr)
    text = traceback_text(failure[1])
    if text:
        print(text, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
