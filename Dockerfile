# The one image that the lab, worker, beat and flower services of docker-compose.yml run.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# an unprivileged user: a worker never runs as root (Celery warns about it, and it is safer)
RUN useradd --create-home --uid 1000 lab
WORKDIR /home/lab/celerylab

# the runtime pins only (no test tools), copied alone first so that editing a notebook or the
# package does not reinstall them
COPY binder/requirements.txt binder/requirements.txt
RUN pip install -r binder/requirements.txt

COPY --chown=lab:lab . .
RUN pip install --no-deps -e . \
 && mkdir -p /home/lab/flower-data /home/lab/beat-data /var/log/celerylab \
 && chown lab:lab /home/lab/flower-data /home/lab/beat-data /var/log/celerylab

USER lab
EXPOSE 8888 5555
# the lab service's command; worker, beat and flower services give their own
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=notebooks"]
