#!/usr/bin/env python
import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    finally:
        # What is still alive (modules, the app registry, settings…) is about to go with
        # the process, and the interpreter's exit would first run full garbage collections
        # over all of it: 0.15–0.2 s after Django's start alone, a quarter of a command's
        # start-up (bench/import_bulk.py prints it). Frozen, it is freed by reference
        # counting without those passes. (The command has closed its database
        # connections already: BaseCommand.run_from_argv.)
        gc.freeze()


if __name__ == "__main__":
    main()
