"""Chat with the running assistant in a terminal, as a demo customer, an agent, or anonymously.

It logs in to the services (POST /auth/token) like the web pages do, then sends each line to the
QuickConnect chat channel with the token as "Authorization: Bearer <token>".

  .venv/bot/bin/python scripts/chat.py --customer QC-1001 [--pin 1234]
  .venv/bot/bin/python scripts/chat.py --agent agent-ana [--password ana-demo-pass]
"""
import argparse
import os
import sys
import uuid

import requests

DEMO_PINS = {"QC-1001": "1234", "QC-1002": "2345", "QC-1003": "3456"}
DEMO_PASSWORDS = {"agent-ana": "ana-demo-pass", "agent-ben": "ben-demo-pass"}


def login(services: str, args: argparse.Namespace) -> dict:
    if args.customer:
        body = {"account_number": args.customer, "pin": args.pin or DEMO_PINS.get(args.customer, "")}
    elif args.agent:
        body = {"agent_id": args.agent, "password": args.password or DEMO_PASSWORDS.get(args.agent, "")}
    else:
        return {}
    resp = requests.post(f"{services}/auth/token", json=body, timeout=10)
    if resp.status_code != 200:
        sys.exit(f"login refused: {resp.text}")
    return resp.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--customer", help="demo account number, e.g. QC-1001")
    who.add_argument("--agent", help="demo agent id, e.g. agent-ana")
    parser.add_argument("--pin")
    parser.add_argument("--password")
    parser.add_argument("--rasa", default=os.environ.get("QC_RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--services", default=os.environ.get("QC_SERVICES_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args()

    session = login(args.services, args)
    sender = f"terminal-{uuid.uuid4().hex}"
    print(f"Logged in as {session.get('name')} ({session.get('role')})." if session else "Anonymous: FAQs and general questions only.")
    print("Type a message; Ctrl-D to quit. Buttons are shown as [payload].")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not text:
            continue
        headers = {"Authorization": f"Bearer {session['access_token']}"} if session else {}
        try:
            resp = requests.post(f"{args.rasa}/webhooks/quickconnect/webhook", headers=headers,
                                 json={"sender": sender, "message": text}, timeout=60)
            replies = resp.json()
        except (requests.RequestException, ValueError) as exc:
            print(f"(the assistant is not reachable: {exc})")
            continue
        if not resp.ok:  # refused by the channel: expired sign-in, too long, too fast
            print(f"bot> {replies['error']['message']}")
            continue
        for reply in replies:
            if reply.get("text"):
                print(f"bot> {reply['text']}")
            for button in reply.get("buttons") or []:
                print(f"     [{button['payload']}] {button['title']}")


if __name__ == "__main__":
    main()
