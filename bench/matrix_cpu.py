"""``python -m bench.matrix_cpu --scale N``: CPU time of a cold matrix page at N x the content.

Grows the configured database's content with synthetic rows (bench.synthetic; the benchmark's
own database only), then asks for the first page of ``/api/v1/recommendations/matrix/`` with the
response cache off, in this process, and prints one JSON line: the median and highest CPU time
(``time.process_time``: this process only, so the load of anything else on the machine does not
count) over ``--pages`` requests, and the queries each ran. It also times loading the read model
(api.readmodel: every content row the resource lists and details are built from, loaded once
per content version by each process) at the same size: ``read_model_ms`` and its queries. Never
for production.
"""

import argparse
import json
import os
import statistics
import time

import django

PATH = "/api/v1/recommendations/matrix/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100, help="Multiple of the real size.")
    parser.add_argument("--pages", type=int, default=10, help="Requests timed.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.synthetic import synthetic_content_create

    if args.scale > 1:
        synthetic_content_create(scale=args.scale)
    client = Client(HTTP_HOST="127.0.0.1")
    times = []
    with override_settings(API_CACHE=False):
        for _ in range(args.pages + 1):  # the first fills Python's own caches: not counted
            start = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(PATH)
            times.append((time.process_time() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{PATH} answered {response.status_code}")
    times = times[1:]
    from api import readmodel

    loads = []
    for _ in range(3):
        start = time.process_time()
        with CaptureQueriesContext(connection) as load_queries:
            readmodel.load()
        loads.append((time.process_time() - start) * 1000)
    print(
        json.dumps(
            {
                "scale": args.scale,
                "pages": args.pages,
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "queries": len(queries.captured_queries),
                "cells": len(response.json()["cells"]),
                "read_model_ms": round(statistics.median(loads), 1),
                "read_model_queries": len(load_queries.captured_queries),
            }
        )
    )


if __name__ == "__main__":
    main()
