#!/usr/bin/env python
"""Django's command-line utility; `sizes` does the same once the package is installed."""

from sizes.cli import main

if __name__ == "__main__":
    main()
