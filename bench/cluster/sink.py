"""The cluster's mail server (aiosmtpd): slow on purpose, and it writes one JSON line per message and recipient
accepted (time, sending host's address, recipient, Message-ID, subject), which the check counts.

The delay is spent on RCPT TO (a slow recipient check, as a busy relay's): a sender killed then has sent no
message. The message is written down when its DATA is accepted, as a real server would queue it.

    python -m bench.cluster.sink --host 10.77.0.10 --port 2525 --delay 0.3 --out mail.jsonl
"""
import argparse
import asyncio
import json
import signal
import threading
import time
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, delay: float, out: str):
        self.delay = delay
        self.out = open(out, "a", buffering=1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.out.write(json.dumps({"t": time.time(), "peer": session.peer[0], "to": rcpt.lower(),
                                           "message_id": headers.get("Message-ID", ""),
                                           "subject": str(headers.get("Subject", ""))}) + "\n")
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    controller = Controller(Handler(args.delay, args.out), hostname=args.host, port=args.port,
                            enable_SMTPUTF8=True, ready_timeout=10)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
