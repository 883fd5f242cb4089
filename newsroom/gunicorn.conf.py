"""gunicorn's settings for scripts/serve, from the environment (README, "Run in production").

Read by ``gunicorn -c newsroom/gunicorn.conf.py newsroom.wsgi``. Values are checked with the same reader as the
Django settings, so a typo stops the start with the variable's name instead of falling back silently.
"""

from __future__ import annotations

import multiprocessing

from newsroom.env import Env

env = Env()

#: NEWSROOM_BIND wins; else PORT (as platforms set it) on loopback, where the TLS proxy forwards to.
bind = [env.text("NEWSROOM_BIND") or f"127.0.0.1:{env.integer('PORT', 8000, minimum=1)}"]
#: Worker processes: NEWSROOM_WORKERS, else WEB_CONCURRENCY (the common name), else 2 per core plus one.
workers = env.integer(
    "NEWSROOM_WORKERS", env.integer("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1, minimum=1), minimum=1
)
#: Threads per worker; above 1 gunicorn runs its threaded worker (each thread its own database connection).
threads = env.integer("NEWSROOM_THREADS", 1, minimum=1)
#: A request still running after this many seconds has its worker restarted (a stuck request cannot hold a
#: worker for ever); the graceful timeout is how long a restart or stop waits for requests in flight.
timeout = env.integer("NEWSROOM_TIMEOUT", 60, minimum=1)
graceful_timeout = env.integer("NEWSROOM_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = env.integer("NEWSROOM_KEEPALIVE", 5, minimum=1)
#: A worker is replaced after about this many requests (0: never), spread by the jitter so they do not all
#: restart at once; it bounds slow memory growth.
max_requests = env.integer("NEWSROOM_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
#: The access log ("-": standard output) and the error log (standard error).
accesslog = env.text("NEWSROOM_ACCESS_LOG", "-")
errorlog = "-"
loglevel = env.choice("NEWSROOM_GUNICORN_LOG_LEVEL", "info", ["debug", "info", "warning", "error", "critical"])
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
#: The addresses whose X-Forwarded-* headers gunicorn believes (the TLS proxy's); Django's own rule for the
#: client address is NEWSROOM_TRUSTED_PROXIES.
forwarded_allow_ips = env.text("NEWSROOM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "newsroom"
