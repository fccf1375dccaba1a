"""The baseline the provider docs advise: submit, then poll at a fixed
interval until done, then download the output. Python standard library
only, one thread per prediction, against vibedream's documented endpoints.

usage: fixed_poller.py BASE_URL KEY MODEL_ID SIZE COUNT INTERVAL_SECONDS PROMPT_PREFIX
"""

import json
import sys
import threading
import time
import urllib.request


def call(url, key, body=None):
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def one(base, key, model, size, interval, prompt, failures):
    try:
        submitted = json.loads(
            call(f"{base}/api/v1/models/{model}/generate", key, {"prompt": prompt, "size": size})
        )
        prediction = submitted["id"]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            time.sleep(interval)
            state = json.loads(call(f"{base}/api/v1/predictions/{prediction}", key))
            if state["status"] == "completed":
                with urllib.request.urlopen(state["outputs"][0], timeout=30) as image:
                    image.read()
                return
            if state["status"] == "failed":
                failures.append(prediction)
                return
        failures.append(prediction)
    except Exception as error:  # counted, and the run goes on
        failures.append(repr(error))


def main():
    base, key, model, size, count, interval, prefix = sys.argv[1:8]
    failures = []
    threads = [
        threading.Thread(
            target=one,
            args=(base, key, model, size, float(interval), f"{prefix} {n}", failures),
        )
        for n in range(int(count))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        print(f"{len(failures)} failed: {failures[:3]}", file=sys.stderr)
        sys.exit(1)


main()
