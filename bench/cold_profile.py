"""``python -m bench.cold_profile URL...``: CPU time of cold (uncached) answers, in this process.

Asks for each URL ``--calls`` times through Django's test client with the response cache and
throttling off (the full middleware stack otherwise), after one unmeasured call, and prints one
JSON line per URL: the median and mean CPU time (``time.process_time``, this process
only), the queries one answer ran and its size. ``--profile N`` also prints cProfile's N most
expensive functions (by cumulative time) over the same calls, to see where the time goes; the
profiler's own overhead inflates those numbers, so compare the CPU times measured without it.

Reads the database the settings name (grow it first with ``python -m bench.generate_content``);
never for production.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import time

import django

DEFAULT_URLS = [
    "/api/v1/recommendations/?disorder=alcohol-use-disorder&compound=ketamine",
    "/api/v1/recommendations/matrix/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=DEFAULT_URLS, help="Paths to ask for.")
    parser.add_argument("--calls", type=int, default=200, help="Requests timed per URL.")
    parser.add_argument("--profile", type=int, default=0, help="Show this many functions.")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (or tottime).")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(API_CACHE=False, THROTTLE=None):
        for url in args.urls:
            client.get(url)  # the first fills Python's and Django's own caches: not counted
            times = []
            for _ in range(args.calls):
                start = time.process_time()
                response = client.get(url)
                times.append((time.process_time() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(
                json.dumps(
                    {
                        "url": url,
                        "calls": args.calls,
                        "median_ms": round(statistics.median(times), 2),
                        "mean_ms": round(statistics.mean(times), 2),
                        "queries": len(queries.captured_queries),
                        "bytes": len(response.content),
                    }
                ),
                flush=True,
            )
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.calls):
                    client.get(url)
                profiler.disable()
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text)
                stats.sort_stats(args.sort).print_stats(args.profile)
                print(text.getvalue(), flush=True)


if __name__ == "__main__":
    main()
