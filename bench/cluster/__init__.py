"""The cluster check of issue 28 (`make cluster-check`): two application hosts, a proxy and a database host as
network namespaces on this machine, and real faults under load (see __main__.py, faults.py)."""
