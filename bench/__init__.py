"""The benchmark suite behind ``make bench`` (``python -m bench``).

Every comparison is a ratio measured in the same run (the machines are noisy): the pipeline's
wall time against a critical-path lower bound and a simulation of the original schedule, both
computed from the very latency model the local xAI test server applied. Results go to
``bench/results.json`` (machine-readable) and ``bench/results.md`` (a table plus notes on any
missed target). See ``bench/README.md``.
"""
