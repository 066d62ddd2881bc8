"""One page under load for bench/load.py: every simulated user requests BENCH_PATH as fast as it answers."""

import os

from locust import FastHttpUser, task


class PageUser(FastHttpUser):
    path = os.environ["BENCH_PATH"]
    session = os.environ.get("BENCH_SESSION", "")
    cookie = os.environ.get("BENCH_COOKIE", "sessionid")

    @task
    def page(self):
        headers = {"Cookie": f"{self.cookie}={self.session}"} if self.session else {}
        with self.client.get(self.path, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
