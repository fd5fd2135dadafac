"""HTTP for hosts: health, Prometheus metrics and the git push webhook."""

from .hooks import PushEvent
from .listen import parse_listen
from .metrics import Metrics
from .server import WebServer

__all__ = ["Metrics", "PushEvent", "WebServer", "parse_listen"]
