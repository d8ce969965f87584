"""``python -m bench.generate_content --scale N``: grow the configured database's content to N
times its real size with synthetic rows (``--remove`` takes them out). Never for production."""

import argparse
import os

import django


def main() -> None:
    """Set Django up, then grow the content or remove the synthetic rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="Multiple of the real size (>= 2).")
    parser.add_argument("--remove", action="store_true", help="Remove synthetic rows only.")
    args = parser.parse_args()
    if not args.remove and args.scale < 2:
        parser.error("--scale must be at least 2 (the real content is scale 1).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench.synthetic import synthetic_content_create, synthetic_content_delete

    if args.remove:
        print(f"Removed {synthetic_content_delete()} synthetic rows.")
        return
    for label, count in synthetic_content_create(scale=args.scale).items():
        print(f"{label}: +{count}")
    print(f"Content is now {args.scale}x its real size.")


if __name__ == "__main__":
    main()
