"""The benchmark harness (`make bench`) and synthetic content for scale tests."""

# The baseline's path: a bare Django view, served without any middleware (bench.wsgi).
BASELINE_PATH = "/bench/baseline/"
