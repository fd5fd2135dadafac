# The announcement bot as a container: `docker compose up` (see compose.yaml), or
#   docker build -t assoc-bot . && docker run --env-file .env -v bot-data:/app/data assoc-bot
# Git is spoken by dulwich, in pure Python: the image needs no `git` binary to follow the
# website's repository over https (GIT_TOKEN). ssh remotes (GIT_SSH_KEY) need the OpenSSH
# client: build with `--build-arg WITH_SSH=true`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080

ARG WITH_SSH=false
RUN if [ "$WITH_SSH" = "true" ]; then \
        apt-get update && apt-get install -y --no-install-recommends openssh-client \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --create-home --uid 10001 --user-group bot

WORKDIR /app

# Dependencies first (a layer rebuilt only when they change): the project's runtime
# dependencies, every package pinned by requirements.lock; the development tools are left out.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > /tmp/runtime.txt && pip install -c requirements.lock -r /tmp/runtime.txt && rm /tmp/runtime.txt

# Then the project itself, and the configuration and sample content it starts with.
COPY README.md ./
COPY bot ./bot
COPY config ./config
COPY content ./content
COPY static ./static
RUN pip install --no-deps . && mkdir -p /app/data && chown bot:bot /app/data

USER bot
# SQLite state, the image cache and the clone of the website's repository live here.
VOLUME ["/app/data"]
EXPOSE 8080
# /healthz needs `[http] listen` in the configuration (config/csaj-khmer.toml has it).
# python:3.11-slim has no curl: Python's urllib asks instead (503 or no answer: unhealthy).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8080') + '/healthz', timeout=8)"]
CMD ["python", "-m", "bot", "run"]
