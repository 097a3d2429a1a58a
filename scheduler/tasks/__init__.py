"""Independent solves as tasks: on a local pool of processes or a Dask cluster."""
