#!/usr/bin/env python3
"""Fill the English plural forms in hallway_en.ts after `update_translations`.

Source strings use "%n device(s)"; English needs "1 device" / "2 devices". Messages without
"(s)" get the source text for both forms. Existing non-empty forms are left alone.
Usage: fill_en_plurals.py [hallway_en.ts]
"""
import re
import sys

path = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/hallway_en.ts"
text = open(path, encoding="utf-8").read()


def fill(match):
    block = match.group(0)
    source = re.search(r"<source>(.*?)</source>", block, re.S).group(1)
    forms = [source.replace("(s)", ""), source.replace("(s)", "s")]
    if '<translation type="unfinished">' not in block and "<numerusform></numerusform>" not in block:
        return block
    translation = "<translation>\n" + "".join(
        f"            <numerusform>{f}</numerusform>\n" for f in forms) + "        </translation>"
    return re.sub(r"<translation[^>]*>.*?</translation>", translation, block, flags=re.S)


text = re.sub(r'<message numerus="yes">.*?</message>', fill, text, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
