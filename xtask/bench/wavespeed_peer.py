"""WaveSpeed's own Python SDK (PyPI `wavespeed`), used as its README shows:
`Client(api_key=..., base_url=...)`, `client.run(model, input)`, then each
output URL downloaded with `requests` and written to a file. The SDK is
synchronous, so predictions run on a thread pool of CONCURRENCY threads.

usage: wavespeed_peer.py BASE_URL KEY MODEL INPUT_JSON COUNT CONCURRENCY OUT_DIR PROMPT_PREFIX MODE
(INPUT_JSON: the input besides the prompt, e.g. '{"size": "1024*1024"}';
MODE: `poll`, the SDK's default, polling every second, or `sync`,
`run(..., enable_sync_mode=True)`)
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import requests
from wavespeed import Client


def main():
    base, key, model, extra, count, concurrency, out, prefix, mode = sys.argv[1:10]
    extra = json.loads(extra)
    client = Client(api_key=key, base_url=base)
    os.makedirs(out, exist_ok=True)

    def one(n):
        result = client.run(
            model, {"prompt": f"{prefix} {n}", **extra}, enable_sync_mode=mode == "sync"
        )
        for index, url in enumerate(result["outputs"]):
            image = requests.get(url, timeout=60)
            image.raise_for_status()
            with open(os.path.join(out, f"{n}-{index}.png"), "wb") as file:
                file.write(image.content)

    with ThreadPoolExecutor(max_workers=int(concurrency)) as pool:
        for done in pool.map(one, range(int(count))):
            pass


main()
