"""Fail when a string marked for translation has no translation in a language we speak.

Re-extracts the catalogues from the code (`python3 dev.py messages`, Django's
makemessages: a new string arrives empty, a changed one fuzzy), then reads every
locale/<lang>/LC_MESSAGES/django.po with Babel and lists each entry that is empty, fuzzy,
or whose placeholders differ from the English (%(name)s, %d, {name}).

    .venv/bin/python .ci/check_translations.py   # exit 1 and a list when any is missing
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ["pt_BR", "pt_PT", "es"]


def problems(language: str) -> list[str]:
    from babel.messages.pofile import read_po

    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return [f"{path.relative_to(ROOT)} is missing"]
    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    found = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{language}: fuzzy (check the translation): {msgid!r}")
        elif not all(strings):
            found.append(f"{language}: not translated: {msgid!r}")
        else:
            for error in message.check(catalog):
                found.append(f"{language}: {error}: {msgid!r}")
    return found


def main() -> int:
    refreshed = subprocess.run(["python3", "dev.py", "messages"], cwd=ROOT, check=False)
    if refreshed.returncode:
        print("could not extract the messages (see above)")
        return 1
    found = [line for language in LANGUAGES for line in problems(language)]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} strings need a translation (edit locale/<lang>/LC_MESSAGES/django.po)")
        return 1
    print(f"Every marked string is translated into {', '.join(LANGUAGES)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
