# The production image: gunicorn serving the API, static files through whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 app
WORKDIR /app
# Exactly the locked dependencies, each file checked against its hash (requirements/runtime.txt,
# `make lock`), in a layer of their own that comes before RELEASE, so that only a change to the
# lock rebuilds it. The project itself is installed below with --no-deps: nothing more resolved.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --require-hashes -r requirements/runtime.txt

# The release (e.g. the git SHA: docker build --build-arg RELEASE=$(git rev-parse HEAD)) keys the
# response cache, so one release never replays another's answers.
ARG RELEASE=dev
ENV RELEASE=$RELEASE

COPY . .
RUN pip install --no-deps . \
    && SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput \
    && chown -R app:app /app

USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["bin/start"]
