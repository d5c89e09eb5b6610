"""The scale benchmark (`make bench`): a package at the top of the project.

It imports every app and nothing imports it. It is an installed app only in the settings
that need its management command: `bench.settings` (what `make bench` runs with) and the
test suite's.
"""
