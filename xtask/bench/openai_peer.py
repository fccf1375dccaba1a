"""OpenAI's Python SDK (PyPI `openai`), async, against an OpenAI-compatible
endpoint: `AsyncOpenAI(base_url=..., api_key=...)`,
`images.generate(model, prompt, size)`, then the image URL downloaded with
the SDK's own HTTP library (`httpx`, or `httpx2` in recent releases) and written to a file; at most
CONCURRENCY generations at once.

usage: openai_peer.py BASE_URL KEY MODEL SIZE COUNT CONCURRENCY OUT_DIR PROMPT_PREFIX
"""

import asyncio
import base64
import os
import sys

from openai import AsyncOpenAI

try:  # the HTTP library the installed openai release itself uses
    import httpx2 as httpx
except ImportError:
    import httpx


async def main():
    base, key, model, size, count, concurrency, out, prefix = sys.argv[1:9]
    client = AsyncOpenAI(base_url=base, api_key=key)
    downloads = httpx.AsyncClient(timeout=60)
    gate = asyncio.Semaphore(int(concurrency))
    os.makedirs(out, exist_ok=True)

    async def one(n):
        async with gate:
            answer = await client.images.generate(model=model, prompt=f"{prefix} {n}", size=size)
            for index, image in enumerate(answer.data):
                if image.b64_json:
                    data = base64.b64decode(image.b64_json)
                else:
                    response = await downloads.get(image.url)
                    response.raise_for_status()
                    data = response.content
                with open(os.path.join(out, f"{n}-{index}.png"), "wb") as file:
                    file.write(data)

    await asyncio.gather(*(one(n) for n in range(int(count))))
    await downloads.aclose()
    await client.close()


asyncio.run(main())
