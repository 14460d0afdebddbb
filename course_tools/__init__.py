"""Instructor and maintainer tooling: build releases, grade a class, prove the grading works.

Run ``python -m course_tools --help``.  Students never need this package.
"""
