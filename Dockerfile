# Development image; docker-compose.yml runs it against PostgreSQL 16.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . .
RUN pip install .

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_content && python manage.py runserver 0.0.0.0:8000"]
