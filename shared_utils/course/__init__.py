"""Instructor and maintainer tooling: build releases, grade a class, prove the grading works.

Run ``python -m shared_utils.course --help``.  Students never need this package.
"""
