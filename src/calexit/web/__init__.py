"""The public portal: FastAPI with server-rendered Jinja2 pages over the store."""
