# One replica of Creator Insights Studio. compose.yaml runs two behind nginx, on PostgreSQL.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    FPAPI_DATA_DIR=/data

WORKDIR /app
# The same hash-locked packages as every other install of the app.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY .streamlit/config.toml .streamlit/config.toml
COPY app.py serve.py ./
COPY static static
COPY app_pages app_pages
COPY components components
COPY fpapi fpapi

RUN useradd --system --uid 10001 --home-dir /data studio \
    && mkdir -p /data && chown studio /data && chmod 700 /data
USER studio

EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
# serve.py wraps app.py so that every response carries the anti-framing headers.
CMD ["python", "-m", "streamlit", "run", "serve.py"]
