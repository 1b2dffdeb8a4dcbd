"""Runner: the incremental notebook pipeline, the strict book build, benchmarks, the browser
check, the environment report and JupyterLab for authors (``lab``). The top layer: nothing in the package imports it.
May import every other layer."""
