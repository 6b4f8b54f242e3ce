"""Benchmarks for addrcheck: accuracy on CCKS 2021 labelled addresses, speed, and error analysis.

Run the scripts from the repository root (``python bench/accuracy.py``); see ``bench/README.md``.
The CCKS files are read from ``../shared/data/ccks2021/`` at run time and never copied here.
"""
