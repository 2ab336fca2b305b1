"""Executes a notebook through a Jupyter kernel and stops at the first failing cell (used by ./t2j run)."""
import argparse
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebook")
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--output", help="write the executed notebook here (also on failure)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per cell; interrupts the cell")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    # Cells run with the notebook's folder as working directory, as in the browser.
    here = os.path.dirname(os.path.abspath(args.notebook))
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=args.timeout, interrupt_on_timeout=True,
                            allow_errors=False, resources={"metadata": {"path": here}})
    failure = None
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as error:
                failure = (index, cell, error)
                break
    if args.output:
        nbformat.write(nb, args.output)
    if failure is None:
        print("t2j run: %s: all %d code cells ran" % (args.notebook, sum(c.cell_type == "code" for c in nb.cells)))
        return 0
    index, cell, error = failure
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    print("t2j run: %s: cell %d (In [%s]) failed: %s: %s"
          % (args.notebook, index + 1, cell.get("execution_count") or " ", ename, evalue), file=sys.stderr)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            print(ANSI.sub("", "\n".join(output.get("traceback", []))), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
