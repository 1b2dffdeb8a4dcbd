"""Runner: the incremental notebook pipeline, the strict book build, benchmarks, the browser
check and the environment report. The top layer: nothing in the package imports it.
May import every other layer."""
