"""The baseline the provider docs advise: submit, then poll at a fixed
interval until done, then download the output. Python standard library
only, one thread per prediction, against one provider's documented
endpoints: vibedream's flat API (`flat`) or WaveSpeed's `{code, message,
data}` envelope (`envelope`).

usage: fixed_poller.py API BASE_URL KEY MODEL_ID INPUT_JSON COUNT INTERVAL_SECONDS PROMPT_PREFIX
(INPUT_JSON: the input besides the prompt, e.g. '{"size": "512*512"}')
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


# Where each API submits and polls, and where its answers keep the prediction.
APIS = {
    "flat": ("{base}/api/v1/models/{model}/generate", "{base}/api/v1/predictions/{id}", None),
    "envelope": ("{base}/api/v3/{model}", "{base}/api/v3/predictions/{id}/result", "data"),
}


def one(api, base, key, model, extra, interval, prompt, failures):
    submit, result, inside = APIS[api]
    unwrap = (lambda answer: answer[inside]) if inside else (lambda answer: answer)
    try:
        submitted = unwrap(
            json.loads(call(submit.format(base=base, model=model), key, {"prompt": prompt, **extra}))
        )
        prediction = submitted["id"]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            time.sleep(interval)
            state = unwrap(json.loads(call(result.format(base=base, id=prediction), key)))
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
    api, base, key, model, extra, count, interval, prefix = sys.argv[1:9]
    extra = json.loads(extra)
    failures = []
    threads = [
        threading.Thread(
            target=one,
            args=(api, base, key, model, extra, float(interval), f"{prefix} {n}", failures),
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
