"""Generates images through the emulator with the official `openai` package.

Run by tests/openai_python.rs, which starts the emulator and passes:
  argv[1]  the OpenAI-compatible base URL (aimlapi's prefix + /v1)
  argv[2]  the API key
  argv[3]  a directory to write the images to

It asks aimlapi's gpt-image-1 for one image as a URL (downloaded without
credentials, as the asset host requires) and one as base64, checks each is a
1024x1024 PNG from its header, writes them out for the Rust side to decode,
and prints a JSON summary. Any failure raises, so the exit status is not 0.
"""

import base64
import json
import os
import struct
import sys
import urllib.request

from openai import OpenAI

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError(f"not a PNG: {data[:16]!r}")
    return struct.unpack(">II", data[16:24])


def main() -> None:
    base_url, api_key, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)

    by_url = client.images.generate(
        model="openai/gpt-image-1",
        prompt="A T-Rex relaxing on a beach, lying on a sun lounger and wearing sunglasses.",
        size="1024x1024",
    )
    url = by_url.data[0].url
    if not url:
        raise ValueError(f"no URL in {by_url!r}")
    # No Authorization header: the asset host is another origin.
    with urllib.request.urlopen(url) as response:
        from_url = response.read()
    if png_size(from_url) != (1024, 1024):
        raise ValueError(f"the URL image is {png_size(from_url)}")

    inline = client.images.generate(
        model="openai/gpt-image-1",
        prompt="Racoon eating ice-cream",
        size="1024x1024",
        response_format="b64_json",
    )
    from_b64 = base64.b64decode(inline.data[0].b64_json)
    if png_size(from_b64) != (1024, 1024):
        raise ValueError(f"the base64 image is {png_size(from_b64)}")

    for name, data in (("url.png", from_url), ("b64.png", from_b64)):
        with open(os.path.join(out_dir, name), "wb") as file:
            file.write(data)
    print(
        json.dumps(
            {
                "openai_version": __import__("openai").__version__,
                "url": url,
                "created": by_url.created,
                "usage_total_tokens": by_url.usage.total_tokens if by_url.usage else None,
            }
        )
    )


if __name__ == "__main__":
    main()
