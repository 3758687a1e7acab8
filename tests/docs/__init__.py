"""The code examples of README.md and docs/*.md, run against the real test wiki."""
